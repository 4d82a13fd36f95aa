from __future__ import annotations

import pytest

from sluice.policies._interpreters import code_of, read_code


@pytest.mark.parametrize(
    ("words", "code"),
    [
        (("python3", "-c", "x"), "x"),
        (("python3.12", "-Bc", "x"), "x"),
        (("node", "--eval", "x"), "x"),
        (("perl", "-MFile::Path", "-e", "x"), "x"),
        (("ruby", "-e", "x"), "x"),
        (("python3", "script.py"), None),
        (("bash", "-c", "x"), None),
    ],
)
def test_code_of(words: tuple[str, ...], code: str | None) -> None:
    assert code_of(words) == code


@pytest.mark.parametrize(
    ("code", "destroys"),
    [
        ("import shutil; shutil.rmtree('/')", "the whole filesystem"),
        (
            "import shutil,os; shutil.rmtree(os.path.expanduser('~'), ignore_errors=True)",
            "the home folder",
        ),
        ("for p in Path.home().iterdir(): shutil.rmtree(p)", "everything in the home folder"),
        ("fs.rmSync(os.homedir(), {recursive: true})", "the home folder"),
        ("FileUtils.rm_rf(ENV['HOME'])", "the home folder"),
        # A glob of every entry of home, built by joining it with `*`, feeds the deletion.
        (
            'FileUtils.rm_r(Dir.glob(File.join(ENV["HOME"], "*")), force: true)',
            "everything in the home folder",
        ),
        (
            "[shutil.rmtree(p) for p in glob.glob(os.path.join(os.path.expanduser('~'), '*'))]",
            "everything in the home folder",
        ),
        ('FileUtils.rm_rf(Dir["#{Dir.home}/*"])', "everything in the home folder"),
        (
            "[os.remove(p) for p in glob.glob(os.path.expanduser('~/*'))]",
            "everything in the home folder",
        ),
        ("[os.remove(p) for p in glob.glob(os.path.join(os.path.expanduser('~'), '*.log'))]", None),
        ('FileUtils.rm_r(Dir.glob(File.join(ENV["HOME"], "tmp", "*")))', None),
        ("import shutil; shutil.rmtree('build')", None),
        ("import shutil; shutil.rmtree(os.path.join(os.path.expanduser('~'), '.cache'))", None),
        ("shutil.rmtree(Path.home() / 'tmp')", None),
        ("print(os.path.expanduser('~'))", None),  # names it, deletes nothing
        ("os.remove(p); print('/'.join(parts))", None),
    ],
)
def test_read_code_destroys(code: str, destroys: str | None) -> None:
    assert read_code(code).destroys == destroys


def test_read_code_finds_what_it_runs_sends_and_writes() -> None:
    assert read_code("import os; os.system('rm -rf ' + os.path.expanduser('~'))").shell_lines == [
        "rm -rf ~"
    ]
    sent = read_code("requests.post(u, data=open('/home/d/.ssh/id_rsa').read())")
    assert sent.sends_credential == "/home/d/.ssh/id_rsa"
    written = read_code("open(os.path.expanduser('~/.ssh/authorized_keys'), 'a').write(k)")
    assert written.writes_secret == "~/.ssh/authorized_keys"
    assert read_code("import os\nwhile True:\n    os.fork()").forks_forever


@pytest.mark.parametrize(
    ("code", "runs"),
    [
        # A command given to the call that starts a process, or to a name it is given.
        ("import subprocess\nsubprocess.run(['terraform', 'destroy'])", "terraform destroy"),
        ("import os\ncmd = 'terraform destroy'\nos.system(cmd)", "terraform destroy"),
        (
            "import os\nCMDS = [\n    'ls',\n    'terraform destroy',\n]\nfor c in CMDS:\n"
            "    os.system(c)",
            "terraform destroy",
        ),
        (
            'Command::new("sh")\n    .arg("-c")\n    .arg("terraform destroy")\n    .status();',
            "terraform destroy",
        ),
        ('"terraform destroy".execute()', "terraform destroy"),
        # A literal elsewhere is data: a test's list of commands to check, a message.
        (
            "import subprocess\nCASES = ['terraform destroy']\n"
            "def test_it(case):\n    subprocess.run(['guard', 'check', case])",
            None,
        ),
        ("import subprocess\nprint('never run terraform destroy')\nsubprocess.run(['ls'])", None),
    ],
)
def test_read_code_runs_only_what_it_gives_a_process(code: str, runs: str | None) -> None:
    assert (
        (runs in read_code(code).shell_lines)
        if runs
        else ("terraform destroy" not in " ".join(read_code(code).shell_lines))
    )
