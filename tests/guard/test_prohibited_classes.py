"""Each prohibited class of DUP §3 (and the 2026 update, and §10's sharing limits) is refused,
in plain words, paraphrased, and in Spanish; the rule id says which class fired."""

from __future__ import annotations

import pytest

from plateward.guard import Decision, GuardRequest, check, check_purpose


def _check(justification: str, crime_type: str = "Other", agency: str | None = None):  # type: ignore[no-untyped-def]
    category = "agency_support" if agency else "criminal_investigation"
    return check(GuardRequest(category, crime_type, "26-000123", justification, agency))


@pytest.mark.parametrize(
    ("justification", "rule"),
    [
        ("Verify the immigration status of the registered owner", "immigration.lexicon"),
        ("Locate the subject so ICE can serve the detainer", "immigration.lexicon"),
        ("8 U.S.C. 1326 illegal reentry, find his car", "immigration.lexicon"),
        ("The feds asked us to locate a visa overstayer", "immigration.lexicon"),
        ("Buscar al hombre sin papeles para que lo deporten", "immigration.lexicon"),
        ("Identify women who visited the abortion clinic", "reproductive.lexicon"),
        ("Find the doctor who mails mifepristone to other states", "reproductive.lexicon"),
        ("Saber quién fue a la clínica a abortar", "reproductive.lexicon"),
        ("Identify attendees of the rally at city hall", "first_amendment.lexicon"),
        ("List every car parked at the mosque during Friday prayers", "first_amendment.lexicon"),
        ("Track the reporter who wrote about the department", "first_amendment.lexicon"),
        ("Lista de carros en la reunión del sindicato", "first_amendment.lexicon"),
        ("Reads from the camera that sees into the backyard", "outside_public_view.lexicon"),
        ("Plates inside the garage of the house through the reader", "outside_public_view.lexicon"),
        ("Sell the monthly reads to a marketing firm", "commercial.lexicon"),
        ("Repossession company asks where the car is parked", "commercial.lexicon"),
        ("Vender los datos de placas a una aseguradora", "commercial.lexicon"),
        ("Check where my ex girlfriend has been driving", "personal.lexicon"),
    ],
)
def test_each_prohibited_class_is_refused_with_its_rule(justification: str, rule: str) -> None:
    verdict = _check(justification)
    assert verdict.decision is Decision.DENY
    assert rule in verdict.rules


@pytest.mark.parametrize(
    "justification",
    [
        # Paraphrases that use none of the lexicon's words (the semantic layer).
        "find where the undocumented family lives so they can be removed",
        "Check whether the worker is allowed to be in the country",
        "Which people from the march drove in from out of town",
        "Did her car go to the clinic that does terminations",
    ],
)
def test_paraphrases_are_caught(justification: str) -> None:
    assert _check(justification).decision is not Decision.ALLOW


@pytest.mark.parametrize(
    ("agency", "rule"),
    [
        ("Reno Police Department", "beneficiary.out_of_state"),
        ("Texas DPS", "beneficiary.out_of_state"),
        ("Washington County Sheriff's Office (Oregon)", "beneficiary.out_of_state"),
        ("U.S. Marshals Service", "beneficiary.federal"),
        ("FBI", "beneficiary.federal"),
        ("Drug Enforcement Administration", "beneficiary.federal"),
        ("Immigration and Customs Enforcement", "beneficiary.federal"),
    ],
)
def test_federal_and_out_of_state_beneficiaries_are_proxy_searches(agency: str, rule: str) -> None:
    verdict = _check("Robbery suspect, the agency needs his vehicle's movements", "PC 211", agency)
    assert verdict.decision is Decision.DENY
    assert rule in verdict.rules


@pytest.mark.parametrize(
    "agency",
    [
        "Oakland Police Department",
        "California Highway Patrol",
        "Santa Clara County Sheriff's Office",
        "Sunnyvale Department of Public Safety",
        "California Department of Justice",
    ],
)
def test_california_agencies_may_be_supported(agency: str) -> None:
    verdict = _check("Robbery suspect fled into San Jose in a grey Civic", "PC 211", agency)
    assert verdict.decision is Decision.ALLOW


@pytest.mark.parametrize(
    "justification",
    [
        "A Nevada deputy asked me informally to check this plate for his case",
        "Running this for a detective in Phoenix who cannot access our system",
        "The FBI agent on the case wants the results",
    ],
)
def test_a_beneficiary_named_in_the_justification_is_caught(justification: str) -> None:
    verdict = _check(justification, "Felony")
    assert verdict.decision is Decision.DENY
    assert any(rule.startswith("beneficiary.") for rule in verdict.rules)


def test_the_message_names_the_class_and_clause_and_nothing_about_data() -> None:
    verdict = _check("Verify the immigration status of the registered owner")
    assert "immigration" in verdict.message
    assert "DUP §3.3" in verdict.message
    assert "Nothing was searched" in verdict.message
    assert "result" not in verdict.message.lower()


def test_check_purpose_reads_a_validated_purpose() -> None:
    from plateward.core.purpose import purpose

    refused = check_purpose(
        purpose(
            "agency_support",
            "PC 211",
            "26-000123",
            "Robbery suspect, the requesting agency needs his vehicle's movements",
            "Reno Police Department",
        )
    )
    assert refused.decision is Decision.DENY
    assert refused.rules == ("beneficiary.out_of_state",)
