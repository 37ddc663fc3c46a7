from ollama_ls.scan.positions import LineIndex, Position, encode


def test_utf16_columns_count_astral_characters_twice():
    text = "é😀x\n😀😀y"
    index = LineIndex(encode(text))
    x_at = len(encode("é😀"))
    assert index.position(x_at) == Position(0, 3)  # é=1, 😀=2
    y_at = len(encode("é😀x\n😀😀"))
    assert index.position(y_at) == Position(1, 4)
    assert index.offset(1, 4) == y_at
    assert index.offset(0, 3) == x_at


def test_all_line_breaks_count_as_lsp_does():
    text = "a\r\nb\rc\nd"
    index = LineIndex(encode(text))
    assert [index.position(text.index(ch)) for ch in "abcd"] == [
        Position(0, 0), Position(1, 0), Position(2, 0), Position(3, 0),
    ]  # fmt: skip
    assert index.line_end(0) == 1


def test_offsets_are_clamped_to_the_line_and_document():
    index = LineIndex(encode("ab\ncd"))
    assert index.offset(0, 99) == 2
    assert index.offset(99, 0) == 5
    assert index.offset(-1, 0) == 0
    assert index.position(99) == Position(1, 2)
