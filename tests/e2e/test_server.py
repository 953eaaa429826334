"""The language server end to end, over the `visual-studio-code` (push diagnostics) and
`neovim` (pull diagnostics, UTF-8 position encoding offered) client profiles."""

from __future__ import annotations

import asyncio
import fnmatch
import shutil
from pathlib import Path

import pytest
from lsprotocol import types as t
from pytest_lsp import LanguageClient
from tests.e2e.conftest import ROOT, Doc, apply_workspace_edit, codes, is_pull

pytestmark = pytest.mark.asyncio

EXAMPLE = ROOT / "examples" / "python-api"


def open_example(client: LanguageClient, tmp_path: Path) -> Doc:
    shutil.copy(EXAMPLE / "requirements.txt", tmp_path / "requirements.txt")
    text = (EXAMPLE / "Dockerfile").read_text(encoding="utf-8")
    return Doc(client, tmp_path / "Dockerfile", text, "dockerfile")


async def test_diagnostics_have_code_range_link_and_fix(client: LanguageClient, tmp_path: Path) -> None:
    doc = open_example(client, tmp_path)
    diags = await doc.diagnostics()
    latest = next(d for d in diags if d.code == "DF202")
    assert latest.source == "dockwise"
    assert latest.severity == t.DiagnosticSeverity.Warning
    line = doc.text.splitlines()[latest.range.start.line]
    assert line[latest.range.start.character : latest.range.end.character] == "latest"
    assert latest.code_description is not None
    assert latest.code_description.href.startswith("file://")
    assert latest.code_description.href.endswith("/DF202.md")
    assert Path(latest.code_description.href[len("file://"):]).is_file()
    assert isinstance(latest.data, dict) and latest.data["version"] == doc.version
    assert latest.data["fix"]["title"].startswith("Pin `python:latest`")


async def test_push_or_pull_never_both(client: LanguageClient, tmp_path: Path) -> None:
    doc = Doc(client, tmp_path / "Dockerfile", "FROM python:latest\n", "dockerfile")
    diags = await doc.diagnostics()
    assert "DF202" in codes(diags)
    if is_pull(client):
        # a second pull with the result id is answered "unchanged"; nothing was pushed
        first = await client.text_document_diagnostic_async(
            t.DocumentDiagnosticParams(t.TextDocumentIdentifier(doc.uri)))
        assert isinstance(first, t.RelatedFullDocumentDiagnosticReport)
        again = await client.text_document_diagnostic_async(t.DocumentDiagnosticParams(
            t.TextDocumentIdentifier(doc.uri), previous_result_id=first.result_id))
        assert isinstance(again, t.RelatedUnchangedDocumentDiagnosticReport)
        assert client.published.items == []  # type: ignore[attr-defined]
    else:
        assert client.published.items  # type: ignore[attr-defined]


async def test_rapid_edits_end_with_last_version(client: LanguageClient, tmp_path: Path) -> None:
    doc = Doc(client, tmp_path / "Dockerfile", "FROM python:3.13-slim\nUSER 1001\n", "dockerfile")
    await doc.diagnostics()
    # 30 edits without waiting; the last one introduces `:latest`
    for i in range(30):
        doc.change([t.TextEdit(t.Range(t.Position(1, 9), t.Position(1, 9)), f"{i % 10}")])
    doc.change([t.TextEdit(t.Range(t.Position(0, 12), t.Position(0, 21)), "latest")])
    diags = await doc.diagnostics()
    assert "DF202" in codes(diags)
    assert doc.text.startswith("FROM python:latest\n")
    if not is_pull(client):
        mine = [p for p in client.published.items if p.uri == doc.uri]  # type: ignore[attr-defined]
        versions = [p.version for p in mine]
        assert versions == sorted(versions), "an older result was published after a newer one"
        assert versions[-1] == doc.version
        assert len(versions) < 32, "edits arriving while linting should coalesce"


HEADLINES = [
    ("DF101", "Reorder COPY before RUN"),
    ("DF301", "Add a non-root USER"),
    ("DF206", "Add a builder stage"),
    ("DF202", "Pin `python:latest` to"),
]


@pytest.mark.parametrize(("code", "title"), HEADLINES, ids=[c for c, _ in HEADLINES])
async def test_headline_quick_fix(client: LanguageClient, tmp_path: Path, code: str, title: str) -> None:
    doc = open_example(client, tmp_path)
    diags = await doc.diagnostics()
    d = next(d for d in diags if d.code == code)
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        t.TextDocumentIdentifier(doc.uri), d.range, t.CodeActionContext(diagnostics=[d])))
    assert actions
    action = next(a for a in actions if isinstance(a, t.CodeAction) and a.title.startswith(title))
    assert action.kind == t.CodeActionKind.QuickFix
    assert action.edit is not None
    apply_workspace_edit(doc, action.edit)
    after = await doc.diagnostics()
    assert code not in codes(after), doc.text
    assert "DF001" not in codes(after)  # still parses


async def test_quick_fix_refused_when_version_moved(client: LanguageClient, tmp_path: Path) -> None:
    doc = Doc(client, tmp_path / "Dockerfile", "FROM python:latest\nUSER 1001\n", "dockerfile")
    d = next(d for d in await doc.diagnostics() if d.code == "DF202")
    doc.change([t.TextEdit(t.Range(t.Position(2, 0), t.Position(2, 0)), "# edited\n")])
    await doc.diagnostics()
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        t.TextDocumentIdentifier(doc.uri), d.range, t.CodeActionContext(diagnostics=[d])))
    assert not actions


async def test_fix_all_safe_problems(client: LanguageClient, tmp_path: Path) -> None:
    doc = open_example(client, tmp_path)
    diags = await doc.diagnostics()
    safe = {"DF007", "DF011", "DF102", "DF103", "DF009"}
    assert safe <= set(codes(diags))
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        t.TextDocumentIdentifier(doc.uri), t.Range(t.Position(0, 0), t.Position(0, 0)),
        t.CodeActionContext(diagnostics=[], only=[t.CodeActionKind.SourceFixAll])))
    assert actions
    fix_all = next(a for a in actions if isinstance(a, t.CodeAction))
    assert fix_all.kind == "source.fixAll.dockwise"
    if fix_all.edit is None:
        fix_all = await client.code_action_resolve_async(fix_all)
    assert fix_all.edit is not None
    apply_workspace_edit(doc, fix_all.edit)
    after = set(codes(await doc.diagnostics()))
    assert not (safe & after), after
    assert {"DF202", "DF301"} <= after  # unsafe fixes are not applied


async def test_disable_rule_for_this_line(client: LanguageClient, tmp_path: Path) -> None:
    text = "FROM python:3.13-slim\nUSER 1001\nRUN pip install \\\n    flask\n"
    doc = Doc(client, tmp_path / "Dockerfile", text, "dockerfile")
    d = next(d for d in await doc.diagnostics() if d.code == "DF103")
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        t.TextDocumentIdentifier(doc.uri), d.range, t.CodeActionContext(diagnostics=[d])))
    assert actions
    ignore = next(a for a in actions if isinstance(a, t.CodeAction)
                  and a.title == "Disable DF103 for this line")
    assert ignore.edit is not None
    apply_workspace_edit(doc, ignore.edit)
    assert "USER 1001\n# dockwise: ignore=DF103\nRUN pip install" in doc.text
    assert "DF103" not in codes(await doc.diagnostics())


async def test_disable_rule_in_compose_goes_before_the_key(client: LanguageClient, tmp_path: Path) -> None:
    text = "services:\n  web:\n    image: nginx:latest\n"
    doc = Doc(client, tmp_path / "compose.yaml", text, "dockercompose")
    diags = await doc.diagnostics()
    d = next(d for d in diags if d.code == "DC101")
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        t.TextDocumentIdentifier(doc.uri), d.range, t.CodeActionContext(diagnostics=[d])))
    ignore = next(a for a in actions or [] if isinstance(a, t.CodeAction)
                  and a.title == "Disable DC101 for this line")
    assert ignore.edit is not None
    apply_workspace_edit(doc, ignore.edit)
    assert "  web:\n    # dockwise: ignore=DC101\n    image: nginx:latest\n" in doc.text
    assert "DC101" not in codes(await doc.diagnostics())


async def test_rule_hover(client: LanguageClient, tmp_path: Path) -> None:
    doc = Doc(client, tmp_path / "Dockerfile", "FROM python:latest\nUSER 1001\n", "dockerfile")
    await doc.diagnostics()
    h = await client.text_document_hover_async(t.HoverParams(
        t.TextDocumentIdentifier(doc.uri), doc.position("latest", 2)))
    assert h is not None
    assert isinstance(h.contents, t.MarkupContent)
    assert h.contents.kind == t.MarkupKind.Markdown
    assert "DF202" in h.contents.value
    assert "Why" in h.contents.value


async def test_settings_reload(client: LanguageClient, tmp_path: Path) -> None:
    doc = Doc(client, tmp_path / "Dockerfile", "FROM python:latest\nUSER 1001\n", "dockerfile")
    assert "DF202" in codes(await doc.diagnostics())
    client.set_configuration({"dockwise": {"ignore": ["DF202"]}})
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=None))
    if is_pull(client):  # the pull waits for the re-lint with the new settings
        assert "DF202" not in codes(await doc.diagnostics())
    else:  # pushed again, same version, new settings
        published = client.published  # type: ignore[attr-defined]
        await published.wait_until(
            lambda p: p.uri == doc.uri and "DF202" not in codes(list(p.diagnostics)))
    # and an edit keeps them
    doc.change([t.TextEdit(t.Range(t.Position(2, 0), t.Position(2, 0)), "# reloaded\n")])
    assert "DF202" not in codes(await doc.diagnostics())


async def test_invalid_settings_fall_back_with_message(client: LanguageClient, tmp_path: Path) -> None:
    client.set_configuration({"dockwise": {"ignore": ["NOPE999"]}})
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams(settings=None))
    doc = Doc(client, tmp_path / "Dockerfile", "FROM python:latest\nUSER 1001\n", "dockerfile")
    assert "DF202" in codes(await doc.diagnostics())
    if not any("NOPE999" in m.message for m in client.messages):
        await client.wait_for_notification(t.WINDOW_SHOW_MESSAGE)
    assert any("NOPE999" in m.message for m in client.messages)


async def test_failing_request_does_not_kill_the_server(client: LanguageClient, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="on purpose"):
        await client.workspace_execute_command_async(
            t.ExecuteCommandParams(command="dockwise.test.fail"))
    doc = Doc(client, tmp_path / "Dockerfile", "FROM python:latest\n", "dockerfile")
    assert "DF202" in codes(await doc.diagnostics())


async def test_compose_sees_unsaved_dockerfile(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    df = Doc(client, tmp_path / "app" / "Dockerfile",
             "FROM python:3.13-slim AS base\nUSER 1001\n", "dockerfile")
    compose = Doc(client, tmp_path / "compose.yaml",
                  "services:\n  web:\n    build:\n      context: app\n      target: runtime\n",
                  "dockercompose")
    assert "DC102" in codes(await compose.diagnostics())
    # rename the stage in the editor, unsaved: the Compose file is re-linted against it
    df.change([t.TextEdit(t.Range(t.Position(0, 25), t.Position(0, 29)), "runtime")])
    await df.diagnostics()
    if is_pull(client):
        assert "DC102" not in codes(await compose.diagnostics())
    else:
        published = client.published  # type: ignore[attr-defined]
        await published.wait_until(
            lambda p: p.uri == compose.uri and "DC102" not in codes(list(p.diagnostics)))


async def test_shutdown_and_exit(client: LanguageClient) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    assert client._server is not None
    rc = await client._server.wait()
    assert rc == 0
    client.capabilities = None  # the fixture must not shut down again


async def test_exit_does_not_wait_for_a_long_lint(client: LanguageClient, tmp_path: Path) -> None:
    # a 100,000-line file takes the lint workers tens of seconds; once the client says
    # `exit` the server must go at once, not when that lint ends
    text = "FROM python:3.12 AS b\n" + "RUN echo hi && apt-get install -y x | tee y\n" * 100_000
    Doc(client, tmp_path / "Dockerfile", text, "dockerfile")
    await asyncio.sleep(0.5)  # the lint has started
    await client.shutdown_async(None)
    client.exit(None)
    assert client._server is not None
    rc = await asyncio.wait_for(client._server.wait(), timeout=15)
    assert rc == 0
    client.capabilities = None  # the fixture must not shut down again


async def test_image_hover_compares_variant_sizes(client: LanguageClient, tmp_path: Path) -> None:
    doc = Doc(client, tmp_path / "Dockerfile", "FROM python:3.12\nUSER 1001\n", "dockerfile")
    await doc.diagnostics()
    h = await client.text_document_hover_async(t.HoverParams(
        t.TextDocumentIdentifier(doc.uri), doc.position("python", 2)))
    assert h is not None and isinstance(h.contents, t.MarkupContent)
    value = h.contents.value
    assert "python:3.12" in value and "slim" in value and "alpine" in value
    assert "MB" in value and "saves" in value


GPU_COMPOSE = ("services:\n  trainer:\n    image: pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime\n"
               "    deploy:\n      resources:\n        reservations:\n          devices:\n"
               "            - \n")


async def test_gpu_block_completion(client: LanguageClient, tmp_path: Path) -> None:
    doc = Doc(client, tmp_path / "compose.yaml", GPU_COMPOSE, "dockercompose")
    res = await client.text_document_completion_async(t.CompletionParams(
        t.TextDocumentIdentifier(doc.uri), doc.position("- \n", 2)))
    assert isinstance(res, t.CompletionList)
    labels = [i.label for i in res.items]
    assert any(label.startswith("nvidia GPU") for label in labels), labels


async def test_completion_follows_the_project_config(client: LanguageClient, tmp_path: Path) -> None:
    # `gpus:` needs Compose 2.30: offered when the project says so, also before the first lint
    (tmp_path / ".dockwise.toml").write_text('min-compose-version = "2.30"\n')
    text = "services:\n  web:\n    image: nginx:1.27\n    gp"
    doc = Doc(client, tmp_path / "compose.yaml", text, "dockercompose")
    for _ in range(2):
        res = await client.text_document_completion_async(t.CompletionParams(
            t.TextDocumentIdentifier(doc.uri), doc.position("    gp", 6)))
        assert isinstance(res, t.CompletionList) and "gpus" in [i.label for i in res.items]
        await doc.diagnostics()
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".dockwise.toml").write_text('min-compose-version = "2.20"\n')
    other = Doc(client, tmp_path / "sub" / "compose.yaml", text, "dockercompose")
    res = await client.text_document_completion_async(t.CompletionParams(
        t.TextDocumentIdentifier(other.uri), other.position("    gp", 6)))
    assert isinstance(res, t.CompletionList) and "gpus" not in [i.label for i in res.items]


async def test_half_typed_compose_key_completion(client: LanguageClient, tmp_path: Path) -> None:
    text = "services:\n  web:\n    image: nginx:1.27\n    restart: alw\n    heal"
    doc = Doc(client, tmp_path / "compose.yaml", text, "dockercompose")
    res = await client.text_document_completion_async(t.CompletionParams(
        t.TextDocumentIdentifier(doc.uri), doc.position("heal", 4)))
    assert isinstance(res, t.CompletionList)
    assert "healthcheck" in [i.label for i in res.items]


async def test_symbols_definition_folding(client: LanguageClient, tmp_path: Path) -> None:
    text = ("FROM python:3.13-slim AS build\nRUN pip wheel \\\n    flask\n"
            "FROM python:3.13-slim\nCOPY --from=build /wheels /wheels\nUSER 1001\n")
    doc = Doc(client, tmp_path / "Dockerfile", text, "dockerfile")
    syms = await client.text_document_document_symbol_async(t.DocumentSymbolParams(
        t.TextDocumentIdentifier(doc.uri)))
    assert syms and any("build" in s.name for s in syms)
    locs = await client.text_document_definition_async(t.DefinitionParams(
        t.TextDocumentIdentifier(doc.uri), doc.position("--from=build", 9)))
    assert isinstance(locs, list) and locs
    assert isinstance(locs[0], t.Location) and locs[0].range.start.line == 0
    folds = await client.text_document_folding_range_async(t.FoldingRangeParams(
        t.TextDocumentIdentifier(doc.uri)))
    assert folds


async def test_ranges_use_the_negotiated_encoding(client: LanguageClient, tmp_path: Path) -> None:
    """Non-ASCII text before the diagnosed token on the same line (an astral-plane emoji is
    two UTF-16 units and four UTF-8 bytes, `é` one unit and two bytes): the range must
    select exactly `apt` in the position encoding negotiated with this client profile."""
    text = ('FROM python:3.13-slim\n'
            'RUN echo "🐳 é 😀" && apt install -y curl && echo "€"\n')
    doc = Doc(client, tmp_path / "Dockerfile", text, "dockerfile")
    diags = [d for d in await doc.diagnostics() if d.code == "DF113"]
    assert len(diags) == 1
    d = diags[0]
    line = text.splitlines()[d.range.start.line]
    enc = client.position_encoding  # type: ignore[attr-defined]
    codec, width = {t.PositionEncodingKind.Utf8: ("utf-8", 1),
                    t.PositionEncodingKind.Utf16: ("utf-16-le", 2),
                    t.PositionEncodingKind.Utf32: ("utf-32-le", 4)}[enc]
    units = line.encode(codec)
    got = units[width * d.range.start.character : width * d.range.end.character].decode(codec)
    assert got == "apt"
    assert d.range.start.character != line.index("apt ")  # code points would be wrong here


async def test_yaml_with_services_is_a_compose_file(client: LanguageClient, tmp_path: Path) -> None:
    # no Compose name, opened as `yaml`: a top-level `services:` makes it a Compose file,
    # also when it gets one only after opening
    stack = Doc(client, tmp_path / "stack.yaml", "services:\n  web:\n    image: nginx:latest\n", "yaml")
    assert "DC101" in codes(await stack.diagnostics())
    later = Doc(client, tmp_path / "later.yml", "# soon\n", "yaml")
    later.change([t.TextEdit(t.Range(t.Position(1, 0), t.Position(1, 0)),
                             "services:\n  db:\n    image: redis\n")])
    assert "DC101" in codes(await later.diagnostics())


async def test_formatting_is_offered_for_dockerfiles_only(client: LanguageClient) -> None:
    """A client that can register formatting dynamically (VS Code) gets it for Dockerfiles
    only, so it does not list dockwise as a formatter of Compose YAML; others get the
    static capability (the server answers nothing for Compose files there)."""
    caps = client.server_capabilities  # type: ignore[attr-defined]
    td = client.capabilities.text_document if client.capabilities else None
    methods = {t.TEXT_DOCUMENT_FORMATTING: (caps.document_formatting_provider,
                                            td and td.formatting),
               t.TEXT_DOCUMENT_RANGE_FORMATTING: (caps.document_range_formatting_provider,
                                                  td and td.range_formatting)}
    for _ in range(200):
        got = {r.method: r for r in getattr(client, "registrations", [])}
        if got or not any(c and c.dynamic_registration for _, c in methods.values()):
            break  # registrations come in one request
        await asyncio.sleep(0.05)
    for method, (static, client_side) in methods.items():
        if client_side and client_side.dynamic_registration:
            assert not static
            selector = got[method].register_options["documentSelector"]  # as sent: JSON
            patterns = [f.get("pattern") for f in selector]
            assert [f["language"] for f in selector if "language" in f] == ["dockerfile"]
            assert "**/Dockerfile*" in patterns and "**/*.dockerfile" in patterns
            assert not any(p and fnmatch.fnmatch("compose.yaml", p[3:]) for p in patterns)
        else:
            assert static is True
            assert method not in got


async def test_formatting_and_range_formatting(client: LanguageClient, tmp_path: Path) -> None:
    text = ("from python:3.13-slim\n"
            "  run   apt-get update \\\n"
            "        && apt-get install -y \\\n"
            "             curl\n"
            "copy . /app   \n"
            "RUN echo \"a \\\n"
            "      b\"\n")
    doc = Doc(client, tmp_path / "Dockerfile", text, "dockerfile")
    opts = t.FormattingOptions(tab_size=2, insert_spaces=True)
    part = await client.text_document_range_formatting_async(t.DocumentRangeFormattingParams(
        t.TextDocumentIdentifier(doc.uri), t.Range(t.Position(4, 0), t.Position(4, 3)), opts))
    assert part is not None and {e.range.start.line for e in part} == {4}
    edits = await client.text_document_formatting_async(t.DocumentFormattingParams(
        t.TextDocumentIdentifier(doc.uri), opts))
    assert edits
    doc.change(edits)
    assert doc.text == ("FROM python:3.13-slim\n"
                        "RUN apt-get update \\\n"
                        "  && apt-get install -y \\\n"
                        "       curl\n"
                        "COPY . /app\n"
                        "RUN echo \"a \\\n"
                        "      b\"\n")  # inside the quotes: part of the string, kept
    again = await client.text_document_formatting_async(t.DocumentFormattingParams(
        t.TextDocumentIdentifier(doc.uri), opts))
    assert again is not None and len(again) == 0
    compose = Doc(client, tmp_path / "compose.yaml", "services:\n   a:\n     image: x\n", "yaml")
    assert await client.text_document_formatting_async(t.DocumentFormattingParams(
        t.TextDocumentIdentifier(compose.uri), opts)) is None
