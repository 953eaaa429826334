"""Concise docs for Dockerfile instructions, their flags and `RUN --mount` options: the
text of hovers and completion items (written for dockwise, after the Dockerfile
reference at https://docs.docker.com/reference/dockerfile/)."""

from __future__ import annotations

from dataclasses import dataclass

REFERENCE = "https://docs.docker.com/reference/dockerfile/"


@dataclass(frozen=True, slots=True)
class InstructionDoc:
    keyword: str
    summary: str
    syntax: str
    snippet: str  # LSP snippet inserted after the keyword (with its leading space)
    anchor: str

    @property
    def url(self) -> str:
        return REFERENCE + "#" + self.anchor


@dataclass(frozen=True, slots=True)
class FlagDoc:
    name: str
    summary: str
    syntax: str
    snippet: str  # the whole flag as an LSP snippet, e.g. `--chown=${1:user}:${2:group}`


INSTRUCTIONS: dict[str, InstructionDoc] = {d.keyword: d for d in (
    InstructionDoc("FROM", "Starts a build stage from a base image (or `scratch`, or an "
                   "earlier stage). `AS name` names the stage for `--from` and `--target`.",
                   "FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]",
                   " ${1:image}:${2:tag}${3: AS ${4:name}}", "from"),
    InstructionDoc("RUN", "Runs a command in a new layer on top of the current image. Shell "
                   "form runs `/bin/sh -c`; exec form (`[\"cmd\", \"arg\"]`) runs no shell. "
                   "`--mount` gives the command caches, secrets and bind mounts.",
                   "RUN [--mount=…] [--network=…] <command>  |  RUN [\"executable\", \"arg\"]",
                   " ${1:command}", "run"),
    InstructionDoc("CMD", "The default command of the container (or default arguments of "
                   "`ENTRYPOINT`). Only the last `CMD` counts. Prefer the exec form so the "
                   "process receives signals.",
                   "CMD [\"executable\", \"arg\"]  |  CMD command arg",
                   " [\"${1:executable}\"${2:, \"${3:arg}\"}]", "cmd"),
    InstructionDoc("LABEL", "Adds metadata to the image as key/value pairs (e.g. "
                   "`org.opencontainers.image.source`).",
                   "LABEL <key>=<value> [<key>=<value> …]", " ${1:key}=\"${2:value}\"", "label"),
    InstructionDoc("MAINTAINER", "Deprecated: sets the author field. Use "
                   "`LABEL org.opencontainers.image.authors=…` instead.",
                   "MAINTAINER <name>", " ${1:name}", "maintainer-deprecated"),
    InstructionDoc("EXPOSE", "Documents the ports the container listens on (`80`, `53/udp`). "
                   "It publishes nothing: use `-p` or Compose `ports`.",
                   "EXPOSE <port>[/<protocol>] …", " ${1:80}", "expose"),
    InstructionDoc("ENV", "Sets environment variables for the rest of the stage and for the "
                   "running container. Secrets set here stay in the image.",
                   "ENV <key>=<value> …", " ${1:NAME}=${2:value}", "env"),
    InstructionDoc("ADD", "Copies files, URLs or git repositories into the image and unpacks "
                   "local tar archives. Prefer `COPY` for plain files.",
                   "ADD [--chown=…] [--chmod=…] [--checksum=…] <src> … <dest>",
                   " ${1:src} ${2:dest}", "add"),
    InstructionDoc("COPY", "Copies files from the build context (or another stage/image with "
                   "`--from`) into the image.",
                   "COPY [--from=…] [--chown=…] [--chmod=…] [--link] <src> … <dest>",
                   " ${1:src} ${2:dest}", "copy"),
    InstructionDoc("ENTRYPOINT", "The executable the container runs; `CMD` supplies its "
                   "default arguments. Use the exec form so it runs as PID 1 and gets signals.",
                   "ENTRYPOINT [\"executable\", \"arg\"]",
                   " [\"${1:executable}\"${2:, \"${3:arg}\"}]", "entrypoint"),
    InstructionDoc("VOLUME", "Declares mount points for data kept outside the container's "
                   "writable layer. Changes to the path after `VOLUME` are discarded in the build.",
                   "VOLUME [\"/data\"]", " ${1:/data}", "volume"),
    InstructionDoc("USER", "Sets the user (and group) for the rest of the stage and for the "
                   "container. Run as a non-root user in final images.",
                   "USER <user>[:<group>]  |  USER <uid>[:<gid>]", " ${1:app}", "user"),
    InstructionDoc("WORKDIR", "Sets (and creates) the working directory for the following "
                   "instructions and the container. Use absolute paths.",
                   "WORKDIR /path", " ${1:/app}", "workdir"),
    InstructionDoc("ARG", "Declares a build argument (`--build-arg`, Compose `build.args`). "
                   "Before the first `FROM` it is global and usable in `FROM`; inside a stage "
                   "it is in scope from its declaration on. Not for secrets.",
                   "ARG <name>[=<default value>]", " ${1:NAME}${2:=${3:default}}", "arg"),
    InstructionDoc("ONBUILD", "Registers an instruction to run when another build uses this "
                   "image as its base.", "ONBUILD <INSTRUCTION>", " ${1:RUN} ${2:command}",
                   "onbuild"),
    InstructionDoc("STOPSIGNAL", "The signal sent to stop the container (default `SIGTERM`).",
                   "STOPSIGNAL <signal>", " ${1:SIGTERM}", "stopsignal"),
    InstructionDoc("HEALTHCHECK", "How to test that the container still works; its status "
                   "becomes `healthy`/`unhealthy` (Compose `service_healthy` waits for it). "
                   "`HEALTHCHECK NONE` disables an inherited check.",
                   "HEALTHCHECK [--interval=…] [--timeout=…] [--start-period=…] [--retries=…] "
                   "CMD <command>  |  HEALTHCHECK NONE",
                   " --interval=${1:30s} --timeout=${2:3s} CMD ${3:curl -f http://localhost/ || exit 1}",
                   "healthcheck"),
    InstructionDoc("SHELL", "Changes the shell used by shell-form `RUN`, `CMD` and "
                   "`ENTRYPOINT` (e.g. `[\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]`).",
                   "SHELL [\"executable\", \"parameters\"]",
                   " [\"${1:/bin/bash}\", \"-o\", \"pipefail\", \"-c\"]", "shell"),
)}

FLAGS: dict[str, dict[str, FlagDoc]] = {
    "FROM": {f.name: f for f in (
        FlagDoc("platform", "Platform of the base image (e.g. `linux/amd64`, "
                "`$BUILDPLATFORM` for cross-compiling builder stages).",
                "--platform=<os>/<arch>[/<variant>]", "--platform=${1:\\$BUILDPLATFORM}"),
    )},
    "COPY": {f.name: f for f in (
        FlagDoc("from", "Copy from an earlier stage (name or index), an image, or a named "
                "context instead of the build context.", "--from=<stage|image|context>",
                "--from=${1:builder}"),
        FlagDoc("chown", "Owner (and group) of the copied files; saves a `chown` layer.",
                "--chown=<user>[:<group>]", "--chown=${1:app}:${2:app}"),
        FlagDoc("chmod", "Permissions of the copied files (octal or symbolic).",
                "--chmod=<perms>", "--chmod=${1:755}"),
        FlagDoc("link", "Copy into an independent layer, so it is reused when earlier "
                "layers change (rebase without re-copying).", "--link[=<bool>]", "--link"),
        FlagDoc("parents", "Keep the parent directories of the sources (`COPY --parents "
                "./a/b/c.txt /dst` makes `/dst/a/b/c.txt`).", "--parents[=<bool>]", "--parents"),
        FlagDoc("exclude", "Leave out paths matching a pattern (needs dockerfile 1.7-labs or "
                "newer).", "--exclude=<pattern>", "--exclude=${1:*.md}"),
    )},
    "ADD": {f.name: f for f in (
        FlagDoc("chown", "Owner (and group) of the added files.", "--chown=<user>[:<group>]",
                "--chown=${1:app}:${2:app}"),
        FlagDoc("chmod", "Permissions of the added files.", "--chmod=<perms>",
                "--chmod=${1:755}"),
        FlagDoc("link", "Add into an independent layer.", "--link[=<bool>]", "--link"),
        FlagDoc("checksum", "Verify a remote file's digest (`sha256:…`).",
                "--checksum=<digest>", "--checksum=sha256:${1:digest}"),
        FlagDoc("keep-git-dir", "Keep the `.git` directory when adding a git repository.",
                "--keep-git-dir[=<bool>]", "--keep-git-dir"),
        FlagDoc("exclude", "Leave out paths matching a pattern.", "--exclude=<pattern>",
                "--exclude=${1:*.md}"),
        FlagDoc("unpack", "Whether to unpack archives (default: local archives only).",
                "--unpack[=<bool>]", "--unpack=${1:true}"),
    )},
    "RUN": {f.name: f for f in (
        FlagDoc("mount", "Mount a cache, a secret, an SSH agent, a tmpfs or files from another "
                "stage for this command only; nothing is left in the layer.",
                "--mount=type=<cache|bind|secret|ssh|tmpfs>,…",
                "--mount=type=${1|cache,bind,secret,ssh,tmpfs|},target=${2:/root/.cache}"),
        FlagDoc("network", "Network for the command: `default`, `none` (no network) or "
                "`host`.", "--network=<default|none|host>", "--network=${1|none,host,default|}"),
        FlagDoc("security", "`insecure` runs the command without the sandbox (needs the "
                "`security.insecure` entitlement); `sandbox` is the default.",
                "--security=<sandbox|insecure>", "--security=${1|insecure,sandbox|}"),
        FlagDoc("device", "Expose a CDI device (e.g. a GPU) to the command (labs syntax).",
                "--device=<cdi-name>", "--device=${1:nvidia.com/gpu=all}"),
    )},
    "HEALTHCHECK": {f.name: f for f in (
        FlagDoc("interval", "Time between checks (default 30s).", "--interval=<duration>",
                "--interval=${1:30s}"),
        FlagDoc("timeout", "A check taking longer fails (default 30s).", "--timeout=<duration>",
                "--timeout=${1:5s}"),
        FlagDoc("start-period", "Grace period after start during which failures do not count "
                "(default 0s).", "--start-period=<duration>", "--start-period=${1:10s}"),
        FlagDoc("start-interval", "Time between checks during the start period.",
                "--start-interval=<duration>", "--start-interval=${1:5s}"),
        FlagDoc("retries", "Consecutive failures before `unhealthy` (default 3).",
                "--retries=<n>", "--retries=${1:3}"),
    )},
}

MOUNT_TYPES: dict[str, str] = {
    "cache": "A persistent cache directory shared between builds (package manager and "
             "compiler caches): `type=cache,target=/root/.cache/pip`.",
    "bind": "Bind files of the context or another stage read-only, without copying them "
            "into a layer: `type=bind,source=.,target=/src`.",
    "secret": "A secret file (or env var) available to this command only: "
              "`type=secret,id=npmrc,target=/root/.npmrc`.",
    "ssh": "Forward the SSH agent (e.g. for `git clone` of private repositories): `type=ssh`.",
    "tmpfs": "A tmpfs mounted at `target` for this command.",
}

MOUNT_OPTIONS: dict[str, dict[str, str]] = {
    "cache": {"target": "Mount path.", "id": "Cache id (default: the target).",
              "sharing": "`shared` (default), `private` or `locked`.",
              "from": "Stage to seed the cache from.", "source": "Subpath of `from`.",
              "mode": "Mode of the new cache directory (default 0755).", "uid": "Owner uid.",
              "gid": "Owner gid.", "readonly": "Mount read-only."},
    "bind": {"target": "Mount path.", "source": "Path in `from` (default: its root).",
             "from": "Stage, image or context to bind from (default: the build context).",
             "readwrite": "Allow writes (discarded after the command)."},
    "secret": {"id": "Secret id (`--secret id=…`, Compose `build.secrets`).",
               "target": "Mount path (default `/run/secrets/<id>`).",
               "env": "Expose the secret as this environment variable instead.",
               "required": "Fail when the secret is missing.", "mode": "File mode (0400).",
               "uid": "Owner uid.", "gid": "Owner gid."},
    "ssh": {"id": "SSH agent id (default `default`).", "target": "Socket path.",
            "required": "Fail when no agent is forwarded.", "mode": "Socket mode.",
            "uid": "Owner uid.", "gid": "Owner gid."},
    "tmpfs": {"target": "Mount path.", "size": "Size limit in bytes."},
}

MOUNT_VALUES: dict[str, tuple[str, ...]] = {
    "type": ("cache", "bind", "secret", "ssh", "tmpfs"),
    "sharing": ("shared", "private", "locked"),
    "readonly": ("true", "false"),
    "required": ("true", "false"),
    "readwrite": ("true", "false"),
}

FLAG_VALUES: dict[str, tuple[str, ...]] = {
    "network": ("default", "none", "host"),
    "security": ("sandbox", "insecure"),
    "platform": ("$BUILDPLATFORM", "$TARGETPLATFORM", "linux/amd64", "linux/arm64",
                 "linux/arm/v7", "windows/amd64"),
    "link": ("true", "false"),
    "parents": ("true", "false"),
    "keep-git-dir": ("true", "false"),
    "unpack": ("true", "false"),
}

# Useful `--mount` snippets (label, snippet, summary)
MOUNT_SNIPPETS: tuple[tuple[str, str, str], ...] = (
    ("--mount=type=cache,target=…", "--mount=type=cache,target=${1:/root/.cache}",
     MOUNT_TYPES["cache"]),
    ("--mount=type=cache (apt)",
     "--mount=type=cache,target=/var/cache/apt,sharing=locked "
     "--mount=type=cache,target=/var/lib/apt,sharing=locked",
     "Caches for `apt-get` (keep `docker-clean` off for them to be useful)."),
    ("--mount=type=cache (pip)", "--mount=type=cache,target=/root/.cache/pip",
     "The pip download/wheel cache."),
    ("--mount=type=bind,source=…,target=…",
     "--mount=type=bind,source=${1:.},target=${2:/src}", MOUNT_TYPES["bind"]),
    ("--mount=type=bind,from=…", "--mount=type=bind,from=${1:builder},source=${2:/out},target=${3:/in}",
     "Bind files of another stage without copying them into a layer."),
    ("--mount=type=secret,id=…", "--mount=type=secret,id=${1:token}${2:,env=${3:TOKEN}}",
     MOUNT_TYPES["secret"]),
    ("--mount=type=ssh", "--mount=type=ssh", MOUNT_TYPES["ssh"]),
    ("--mount=type=tmpfs,target=…", "--mount=type=tmpfs,target=${1:/tmp}", MOUNT_TYPES["tmpfs"]),
)


def instruction_markdown(keyword: str) -> str | None:
    d = INSTRUCTIONS.get(keyword.upper())
    if d is None:
        return None
    return f"**{d.keyword}**\n\n```dockerfile\n{d.syntax}\n```\n\n{d.summary}\n\n[Reference]({d.url})"


def flag_markdown(keyword: str, flag: str) -> str | None:
    f = FLAGS.get(keyword.upper(), {}).get(flag.lower())
    if f is None:
        return None
    return f"**{keyword.upper()} --{f.name}**\n\n```dockerfile\n{f.syntax}\n```\n\n{f.summary}"
