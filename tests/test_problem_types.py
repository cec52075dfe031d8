"""Every problem code is defined once with both languages, its meaning and what to do; every message of the code
has its Indonesian; docs/problems.md is what the registries say."""

from __future__ import annotations

import pytest
from smartcity_dev import messages, problemsdoc
from smartcity_kit.i18n import INDONESIAN, has_indonesian, translate
from smartcity_kit.problemtypes import ProblemType

PROBLEMS = [p for registry in problemsdoc.REGISTRIES.values() for p in registry]


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.code)
def test_every_code_has_both_languages_a_meaning_and_what_to_do(problem: ProblemType):
    assert has_indonesian(problem.title), f"no Indonesian title for {problem.code}: run `make messages`"
    assert translate(problem.title, INDONESIAN) != problem.title
    assert 400 <= problem.status <= 599
    assert problem.meaning.strip() and problem.action.strip()
    assert problem.type.endswith("/problems/" + problem.code)


def test_codes_are_unique_across_the_platform():
    codes = [p.code for p in PROBLEMS]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("domain", list(messages.PACKAGES))
def test_every_message_of_a_package_has_its_indonesian(domain: str):
    assert messages.untranslated(domain) == [], f"translate these in {messages.catalogue_path(domain)}"
    assert messages.placeholders_changed(domain) == []


@pytest.mark.parametrize("domain", list(messages.PACKAGES))
def test_no_message_is_built_at_run_time(domain: str):
    # an f-string cannot be found in a catalogue: "... {name} ..." with name=value can
    assert list(messages.non_literal_messages(domain)) == []


def test_the_problems_document_is_current():
    assert problemsdoc.TARGET.read_text() == problemsdoc.render(), "run `make problems-doc`"
