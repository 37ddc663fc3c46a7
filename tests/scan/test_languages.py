import pytest
from ollama_ls.scan import FileKind, file_kind_for


@pytest.mark.parametrize(
    ("name", "language_id", "kind"),
    [
        ("file:///w/config.yaml", None, FileKind.YAML),
        ("/w/.github/x.YML", None, FileKind.YAML),
        ("file:///w/continue/config.json", None, FileKind.JSON),
        ("file:///w/.vscode/settings.jsonc", None, FileKind.JSON),
        ("file:///w/untitled", "jsonc", FileKind.JSON),
        ("file:///w/pyproject.toml", None, FileKind.TOML),
        ("file:///w/.env", None, FileKind.DOTENV),
        ("file:///w/.env.local", None, FileKind.DOTENV),
        ("file:///w/prod.env", None, FileKind.DOTENV),
        ("file:///w/.env", "plaintext", FileKind.DOTENV),
        ("file:///w/Modelfile", None, FileKind.MODELFILE),
        ("file:///w/Modelfile.coder", None, FileKind.MODELFILE),
        ("file:///w/coder.modelfile", None, FileKind.MODELFILE),
        ("file:///w/My%20Dir/Modelfile", None, FileKind.MODELFILE),
        (r"C:\work\Modelfile", None, FileKind.MODELFILE),
        ("untitled:Untitled-1", "yaml", FileKind.YAML),
        ("untitled:Untitled-1", "dotenv", FileKind.DOTENV),
        ("file:///w/x", "modelfile", FileKind.MODELFILE),
        ("file:///w/main.py", "python", None),
        ("file:///w/environment.txt", None, None),
        ("file:///w/README.md", None, None),
    ],
)
def test_file_kind(name, language_id, kind):
    assert file_kind_for(name, language_id) is kind
