"""The README's Python example runs as written (up to its Spark part, which needs a
DataFrame `df`; the Spark path is tested in test_spark.py)."""

import os
import re

from conftest import ROOT


def test_readme_python_example_runs(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python and Spark", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    code = code.split("from wealthscore import spark", 1)[0]
    assert "Pipeline.fit" in code
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        env: dict = {}
        exec(compile(code, "README.md", "exec"), env)
    finally:
        os.chdir(here)
    assert env["p"].shape == (20_000,)
    assert env["report"].num_rows == 20_000
    assert abs(sum(env["w"]) - 1.0) < 1e-12
    assert 0.0 < env["alive"].min() <= env["alive"].max() <= 1.0
