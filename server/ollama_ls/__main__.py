from ollama_ls.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
