#!/usr/bin/env python3
"""Runs action.yml's shell steps locally the way a Linux X64 runner would, to try the action
without GitHub: inputs are substituted into the steps' env, `uses:` steps are skipped (named).

    python3 ci/try-action.py [input=value ...]      # in the project to check

e.g. python3 /path/to/basefit/ci/try-action.py release-url=file:///path/to/basefit/dist sarif=true
The action's ref is taken as v<version of this checkout>. Needs PyYAML (Debian: python3-yaml).
Exit code: the failing step's, else 0."""
import os, re, subprocess, sys, tempfile

import yaml

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
action = yaml.safe_load(open(os.path.join(here, "action.yml"), encoding="utf-8"))
inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
for argument in sys.argv[1:]:
    name, _, value = argument.partition("=")
    if name not in inputs:
        sys.exit(f"try-action: no input named {name!r} (inputs: {', '.join(inputs)})")
    inputs[name] = value
source = open(os.path.join(here, "Sources/basefit/Basefit.swift"), encoding="utf-8").read()
version = re.search(r'static let version = "([^"]+)"', source).group(1)
context = {"github.action_repository": "OWNER/basefit", "github.action_ref": "v" + version}
temporary = tempfile.mkdtemp(prefix="try-action-")
outputs: dict = {}


def expand(text: str) -> str:
    def one(match):
        expression = match.group(1).strip()
        if expression.startswith("inputs."):
            return inputs[expression[len("inputs."):]]
        if expression in context:
            return context[expression]
        step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        if step:
            return outputs.get(step.group(1), {}).get(step.group(2), "")
        sys.exit(f"try-action: cannot evaluate ${{{{ {expression} }}}}")
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))


def condition(text) -> bool:
    if text is None:
        return True
    match = re.fullmatch(r"inputs\.([\w-]+) == '([^']*)'", text.strip())
    if not match:
        sys.exit(f"try-action: cannot evaluate if: {text}")
    return inputs[match.group(1)] == match.group(2)


for step in action["runs"]["steps"]:
    if not condition(step.get("if")):
        continue
    if "uses" in step:
        print(f"# step '{step['name']}': uses {step['uses']} (on GitHub only; skipped)", flush=True)
        continue
    output_file = os.path.join(temporary, "output")
    open(output_file, "w").close()
    environment = dict(os.environ, GITHUB_ACTION_PATH=here, RUNNER_OS="Linux", RUNNER_ARCH="X64",
                       RUNNER_TEMP=temporary, GITHUB_SERVER_URL="https://github.com",
                       GITHUB_REPOSITORY="OWNER/project", GITHUB_OUTPUT=output_file)
    environment.update({name: expand(value) for name, value in step.get("env", {}).items()})
    print(f"# step '{step['name']}'", flush=True)
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step["run"])],
                            env=environment, cwd=expand(step.get("working-directory", ".")))
    with open(output_file, encoding="utf-8") as handle:
        outputs[step.get("id", "")] = dict(line.split("=", 1) for line in handle.read().splitlines() if "=" in line)
    if result.returncode != 0:
        print(f"# step '{step['name']}' failed: exit {result.returncode}", flush=True)
        sys.exit(result.returncode)
