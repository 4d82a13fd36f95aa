"""Classes taught from a forty-eighth blind set (git, code hosts and CI/CD), next to the
everyday calls that use the same tools."""

from __future__ import annotations

import pytest

from tests.policies.verdicts import bash

_AUTH = '-H "Authorization: Bearer $GITHUB_TOKEN"'


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        # A repository deleted through its host's API, whichever host, client or language.
        ("gh api -X DELETE repos/acme/old-site", "gcloud_delete"),
        ("gh api --method DELETE /repos/acme/old-site", "gcloud_delete"),
        (f"curl -s -X DELETE {_AUTH} https://api.github.com/repos/acme/tmp", "gcloud_delete"),
        (
            'curl --request DELETE --header "PRIVATE-TOKEN: $T" https://gl.example.com/api/v4/projects/4',
            "gcloud_delete",
        ),
        (
            "curl -X DELETE -u u:p https://api.bitbucket.org/2.0/repositories/acme/ios",
            "gcloud_delete",
        ),
        (
            "curl -X DELETE https://git.acme.internal/api/v1/repos/infra/old-ansible",
            "gcloud_delete",
        ),
        (
            "python3 -c \"import requests; requests.delete('https://api.github.com/repos/acme/x')\"",
            "gcloud_delete",
        ),
        (
            "node -e \"new Octokit({auth: t}).repos.delete({owner: 'acme', repo: 'x'})\"",
            "gcloud_delete",
        ),
        (
            "gh api orgs/acme/repos -q '.[].full_name' | xargs -I{} gh api -X DELETE repos/{}",
            "gcloud_delete",
        ),
        # Every branch forced at once, or the default branch under a name looked up.
        ("git filter-repo --force && git push --mirror origin", "force_push_default"),
        ("git push origin '+refs/heads/*:refs/heads/*'", "force_push_default"),
        ("git push -f origin 'refs/heads/*:refs/heads/*'", "force_push_default"),
        ('git push -f origin "$(git rev-parse HEAD)":refs/heads/main', "force_push_default"),
        (
            "D=$(gh repo view --json defaultBranchRef -q .defaultBranchRef.name); "
            'git push -f origin "HEAD:$D"',
            "force_push_default",
        ),
        (
            "git push origin --force"
            " $(git symbolic-ref --short refs/remotes/origin/HEAD | cut -d/ -f2)",
            "force_push_default",
        ),
        (
            'git push origin "+HEAD:$(git symbolic-ref --short refs/remotes/origin/HEAD'
            " | sed 's@^origin/@@')\"",
            "force_push_default",
        ),
        # A fork's default branch reset on the host; a branch xargs is given, forced.
        ("gh repo sync sam-dev/web --source acme/web --force", "force_push_default"),
        ("echo main | xargs git push --force origin", "force_push_default"),
        # A forced refspec configured, then a plain push; a release's asset installed.
        (
            "git config remote.origin.push '+refs/heads/main:refs/heads/main' && git push origin",
            "force_push_default",
        ),
        (
            "gh release download v2.45.0 -R cli/cli -p '*_linux_amd64.deb' && "
            "sudo dpkg -i gh_*_linux_amd64.deb",
            "download_exec",
        ),
        (
            "git config remote.origin.push 'refs/heads/main:refs/heads/main' && git push origin",
            None,
        ),
        ("git config remote.origin.push '+refs/heads/f:refs/heads/f' && git push origin", None),
        ("gh release download v1.2.0 -R acme/tool -p '*.tar.gz' -D dist && ls dist", None),
        ("gh release download v1.2.0 -p '*.tar.gz' -D dist && ./scripts/build.sh", None),
        # The same tools on what is not the repository, or not forced.
        ("gh repo sync --force", None),
        ("gh repo sync sam-dev/web --source acme/web", None),
        ("echo feature-x | xargs git push --force origin", None),
        # A workflow written and listed by act, not run.
        (
            "mkdir -p .github/workflows && cat > .github/workflows/teardown.yml <<'EOF'\n"
            "jobs:\n  destroy:\n    steps:\n      - run: terraform destroy -auto-approve\n"
            "EOF\nact -l",
            None,
        ),
        (
            "cat > .github/workflows/teardown.yml <<'EOF'\n"
            "jobs:\n  destroy:\n    steps:\n      - run: terraform destroy -auto-approve\n"
            "EOF\nact workflow_dispatch",
            "terraform_destroy",
        ),
        ("gh api -X DELETE repos/acme/web/git/refs/heads/feature-x", None),
        ("gh api repos/acme/web", None),
        (
            f"curl -s -X DELETE {_AUTH} https://api.github.com/repos/acme/web/issues/comments/1",
            None,
        ),
        ('curl -X DELETE "https://gl.example.com/api/v4/projects/4/repository/branches/f"', None),
        (
            "python3 -c \"import requests; requests.get('https://api.github.com/repos/acme/web')\"",
            None,
        ),
        (
            "az repos ref delete --name heads/feature/old-ui --repository web --object-id 9f8e7d6c",
            None,
        ),
        ('BR=$(git branch --show-current); git push -f origin "HEAD:$BR"', None),
        ('git push --force-with-lease origin "$(git branch --show-current)"', None),
        ('git fetch && git reset --hard origin/HEAD && git push -f origin "HEAD:$B"', None),
        ("git push origin 'refs/heads/*:refs/heads/*'", None),
        ("git push -f origin 'refs/heads/feature/*:refs/heads/feature/*'", None),
        ('git push origin "$(git rev-parse HEAD)":refs/heads/main', None),
    ],
)
def test_forty_eighth_set(command: str, rule: str | None) -> None:
    assert bash(command) == rule
