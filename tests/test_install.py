"""`make install` puts a working `pyjitc` command, its runtime and the Python
package in place: an installed tree (DESTDIR + PREFIX) builds and imports a module."""
import os
import pathlib
import subprocess
import sys
import sysconfig

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_make_install_gives_a_working_tree(tmp_path):
    dest, prefix = tmp_path / "dest", "/opt/pj"
    r = subprocess.run(["make", "-s", "install", f"DESTDIR={dest}", f"PREFIX={prefix}",
                        f"PYTHON={sys.executable}"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    exe = dest / prefix.lstrip("/") / "bin" / "pyjitc"
    site = dest / sysconfig.get_paths()["purelib"].lstrip("/")
    assert exe.exists() and (site / "pyjitc" / "__init__.py").exists()
    assert (site / "pyjitc" / "_paths.py").read_text() == f'PYJITC_BIN = "{prefix}/bin/pyjitc"\n'
    src = tmp_path / "inst_mod.py"
    src.write_text("from pyjitc import native, f64\n\n@native\n"
                   "def total(x: f64[:]) -> float:\n    s = 0.0\n    for v in x:\n"
                   "        s += v\n    return s\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYJITC_RUNTIME", "PYJITC")}
    r = subprocess.run([str(exe), "build", str(src)], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr  # found its runtime under PREFIX/lib/pyjitc
    env["PYTHONPATH"] = f"{site}:{tmp_path}"
    r = subprocess.run([sys.executable, "-c", "import inst_mod, array; "
                        "print(inst_mod.total(array.array('d', [1.5, 2.0])))"],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "3.5"
