"""Go's JSON and time formatting, which clients and golden files depend on."""

import re

from ollama_ls.emulator import gojson


def test_html_characters_are_escaped_like_go():
    assert gojson.dumps({"t": "<a & b>"}) == '{"t":"\\u003ca \\u0026 b\\u003e"}'


def test_non_ascii_is_kept_and_order_is_the_dict_order():
    assert gojson.dumps({"b": "é", "a": 1}) == '{"b":"é","a":1}'


def test_floats_use_go_shortest_forms():
    values = [1.0, 0.1, 1e-7, 2.5e-5, 1e21, 123456789.0, -0.5]
    assert gojson.dumps(values) == "[1,0.1,1e-7,0.000025,1e+21,123456789,-0.5]"


def test_float32_values_use_float32_shortest_form():
    assert gojson.dumps([gojson.Float32(0.1), gojson.Float32(1 / 3)]) == "[0.1,0.33333334]"


def test_created_at_is_utc_with_z_and_trimmed_nanoseconds():
    assert gojson.rfc3339nano(1_700_000_000_120_000_000, local=False) == "2023-11-14T22:13:20.12Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z", gojson.utc_now())


def test_whole_seconds_have_no_fraction():
    assert gojson.rfc3339nano(1_700_000_000_000_000_000, local=False) == "2023-11-14T22:13:20Z"


def test_local_time_has_an_offset_or_z():
    assert re.fullmatch(r".*(Z|[+-]\d\d:\d\d)", gojson.local_time(1_700_000_000_000_000_000))
