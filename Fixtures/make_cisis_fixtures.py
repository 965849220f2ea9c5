#!/usr/bin/env python3
"""Derives the CI-SIS rule fixtures from Fixtures/cda/valid/ldl-ses-complete.xml.

Writes the other valid fixtures (level 1 PDF, replacement pair, auto-presentable,
ISO-8859-1, Corsica-born patient) and one invalid fixture per rule in cda/invalid/
(file name = rule code), each breaking exactly that rule. All patients are fictitious.

Identifiers: every fixture has its own document id and setId (the replacement pair shares
REPL-2025-SET), so ingesting the whole folder reports no conflict. The fictitious patient
CLAIRE FICTIVE-ESSAI (INS 285076912345623) keeps her IPP IPP000123 in every document of hers
(same person, same facility: the intended link, R14 forbids linking two IPPs of one authority
automatically); the Corsica-born patient is another person and has his own IPP, IPP000456;
the invalid fixtures have their own IPPs (IPP-INV-<rule code>).
Run from anywhere: python3 Fixtures/make_cisis_fixtures.py
"""
import base64
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
VALID = os.path.join(HERE, "cda", "valid")
INVALID = os.path.join(HERE, "cda", "invalid")

with open(os.path.join(VALID, "ldl-ses-complete.xml"), encoding="utf-8") as f:
    COMPLETE = f.read()


def sub(text, old, new, count=1):
    assert old in text, f"fixture anchor not found: {old!r}"
    return text.replace(old, new, count)


def body_of(text):
    start = text.index("  <component>\n    <structuredBody>")
    end = text.index("</ClinicalDocument>")
    return start, end


def write(folder, name, text, encoding="utf-8"):
    with open(os.path.join(folder, name), "w", encoding=encoding, newline="\n") as f:
        f.write(text)


def level_one(text):
    pdf = re.search(r'representation="B64">\s*(.*?)\s*</value>', text, re.S).group(1)
    text = sub(text, '<templateId root="1.2.250.1.213.1.1.1.29" extension="2022.01"/>',
               '<templateId root="1.3.6.1.4.1.19376.1.2.20"/>')
    text = sub(text, 'code="11490-0" displayName="Lettre de liaison à la sortie d\'un établissement de soins"',
               'code="11488-4" displayName="Compte rendu de consultation"')
    text = sub(text, "<title>Lettre de liaison à la sortie</title>", "<title>Compte rendu (PDF)</title>")
    start, end = body_of(text)
    body = ('  <component>\n    <nonXMLBody>\n      <text mediaType="application/pdf" representation="B64">\n'
            + pdf + "\n      </text>\n    </nonXMLBody>\n  </component>\n")
    return text[:start] + body + text[end:]


def with_version(text, ext, version, parent=None):
    text = sub(text, 'extension="LDL-2025-0001"/>', f'extension="{ext}"/>')
    text = sub(text, 'extension="LDL-2025-0001-SET"/>', 'extension="REPL-2025-SET"/>')
    text = sub(text, '<versionNumber value="1"/>', f'<versionNumber value="{version}"/>')
    if parent:
        related = ('  <relatedDocument typeCode="RPLC">\n    <parentDocument>\n'
                   f'      <id root="1.2.250.1.999.1.1" extension="{parent}"/>\n'
                   '      <setId root="1.2.250.1.999.1.2" extension="REPL-2025-SET"/>\n'
                   '    </parentDocument>\n  </relatedDocument>\n')
        text = sub(text, "  <componentOf>", related + "  <componentOf>")
    return text


def with_ids(text, doc, ipp=None):
    """Gives a document derived from the complete letter its own id and setId (and IPP, when
    the document still has one)."""
    text = sub(text, 'extension="LDL-2025-0001"/>', f'extension="{doc}"/>')
    text = sub(text, 'extension="LDL-2025-0001-SET"/>', f'extension="{doc}-SET"/>')
    if ipp and 'extension="IPP000123"/>' in text:
        text = sub(text, 'extension="IPP000123"/>', f'extension="{ipp}"/>')
    return text


def auto_presentable(text):
    document = text[text.index("<ClinicalDocument"):]
    document = re.sub(r"<!--.*?-->", "", document, flags=re.S)
    document = re.sub(r"<(/?)([A-Za-z])", r"<\1c:\2", document)
    document = sub(document, 'xmlns="urn:hl7-org:v3"', 'xmlns:c="urn:hl7-org:v3"')
    document = document.replace("</c:ClinicalDocument>", "</c:ClinicalDocument>").rstrip()
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!-- Passerelle fixture: CI-SIS auto-présentable document (fictitious patient). -->\n'
            '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"\n'
            '    xmlns:data="urn:asip-sante:ci-sis" xmlns:c="urn:hl7-org:v3">\n'
            '  <xsl:output method="html" encoding="UTF-8"/>\n'
            '  <xsl:template match="/">\n'
            '    <html><body><h1><xsl:value-of select="document(\'\')/xsl:stylesheet/data:Contenu/c:ClinicalDocument/c:title"/></h1></body></html>\n'
            '  </xsl:template>\n'
            '  <data:Contenu>\n' + document + "\n  </data:Contenu>\n</xsl:stylesheet>\n")


def corsica(text):
    # NIR body 192112A004017: 2A -> 19 gives 1921119004017, 97 - (mod 97) = 12.
    text = sub(text, 'extension="285076912345623"', 'extension="192112A00401712"')
    text = sub(text, "<!-- Passerelle fixture: complete structured LDL-SES letter for a fictitious patient.\n"
               "     INS under the test OID 1.2.250.1.213.1.4.10, key computed: 97 - (2850769123456 mod 97) = 23. -->",
               "<!-- Passerelle fixture: fictitious patient born in Corse-du-Sud (NIR department 2A).\n"
               "     Key: 2A -> 19, 97 - (1921119004017 mod 97) = 12. -->")
    text = sub(text, '<family qualifier="BR">FICTIVE-ESSAI</family>', '<family qualifier="BR">ESSAI</family>')
    text = sub(text, "<given>CLAIRE ANNE-SOPHIE</given>", "<given>JEAN-MARC PAUL</given>")
    text = sub(text, '<given qualifier="BR">CLAIRE</given>', '<given qualifier="BR">JEAN MARC</given>')
    text = sub(text, '<family qualifier="CL">DEMO</family>', '<family qualifier="CL">ESSAI</family>')
    text = sub(text, '<given qualifier="CL">CLAIRE</given>', '<given qualifier="CL">JEAN-MARC</given>')
    text = sub(text, '<administrativeGenderCode code="F" displayName="Féminin"',
               '<administrativeGenderCode code="M" displayName="Masculin"')
    text = sub(text, '<birthTime value="19850714"/>', '<birthTime value="19921103"/>')
    text = sub(text, "<county>69123</county>\n              <city>LYON</city>",
               "<county>2A004</county>\n              <city>AJACCIO</city>")
    return text


LEVEL_ONE = level_one(COMPLETE)

VALID_FILES = {
    "cr-niveau1-pdf.xml": with_ids(LEVEL_ONE, "CR-2025-0002"),
    "replacement-v1.xml": with_version(COMPLETE, "REPL-2025-V1", 1),
    "replacement-v2.xml": with_version(COMPLETE, "REPL-2025-V2", 2, parent="REPL-2025-V1"),
    "auto-presentable.xml": auto_presentable(with_ids(COMPLETE, "LDL-2025-0003")),
    "corsica-born.xml": with_ids(corsica(COMPLETE), "LDL-2025-0005", ipp="IPP000456"),
}

# One document per rule, breaking only that rule.
INVALID_FILES = {
    "RealmCode": (COMPLETE, '<realmCode code="FR"/>', '<realmCode code="BE"/>'),
    "TypeID": (COMPLETE, 'extension="POCD_HD000040"', 'extension="POCD_HD000041"'),
    "HeaderTemplates": (COMPLETE, '  <templateId root="1.2.250.1.213.1.1.1.29" extension="2022.01"/>\n', ""),
    "RequiredHeaderElements": (COMPLETE, '  <languageCode code="fr-FR"/>\n', ""),
    "HeaderTimestamps": (COMPLETE, '<time value="20250314100000+0100"/>', '<time value="20250314100000"/>'),
    "ConfidentialityCode": (COMPLETE, '<confidentialityCode code="N"', '<confidentialityCode code="S"'),
    "LanguageCode": (COMPLETE, '<languageCode code="fr-FR"/>', '<languageCode code="en-US"/>'),
    "PatientIdentifiers": (COMPLETE, '<id root="1.2.250.1.999.2.1" extension="IPP000123"/>', '<id root="1.2.250.1.999.2.1"/>'),
    "INSKey": (COMPLETE, 'extension="285076912345623"', 'extension="285076912345624"'),
    "INSTraits": (COMPLETE, "<county>69123</county>\n", ""),
    "INSTraitConsistency": (COMPLETE, '<birthTime value="19850714"/>', '<birthTime value="19860714"/>'),
    "NameQualifiers": (COMPLETE, '<family qualifier="CL">', '<family qualifier="AL">'),
    "TelecomFormat": (COMPLETE, 'value="tel:+33-4-00-00-00-01"', 'value="+33-4-00-00-00-01"'),
    "AddressForm": (COMPLETE, "<houseNumber>12</houseNumber>",
                    "<streetAddressLine>12 Rue des Essais</streetAddressLine>\n        <houseNumber>12</houseNumber>"),
    "HeaderNullFlavors": (COMPLETE, '<telecom nullFlavor="NASK"/>', '<telecom nullFlavor="NI"/>'),
    "ReplacementConsistency": (COMPLETE, "  <componentOf>",
                               '  <relatedDocument typeCode="XFRM">\n    <parentDocument>\n'
                               '      <id root="1.2.250.1.999.1.1" extension="LDL-2024-0042"/>\n'
                               "    </parentDocument>\n  </relatedDocument>\n  <componentOf>"),
    "NonXMLBodyMediaType": (LEVEL_ONE, 'mediaType="application/pdf"', 'mediaType="application/msword"'),
    "AuthorRequirements": (COMPLETE, '    <time value="20250314100500+0100"/>\n', ""),
    "CustodianIdentifier": (COMPLETE, '<representedCustodianOrganization>\n        <id root="1.2.250.1.71.4.2.2"',
                            '<representedCustodianOrganization>\n        <id root="1.2.250.1.999.4"'),
    "LegalAuthenticatorRequirements": (COMPLETE, '<signatureCode code="S"/>', '<signatureCode code="X"/>'),
    "ServiceEventRequirements": (COMPLETE, '        <low value="20250310083000+0100"/>\n', ""),
    "EncounterRequirements": (COMPLETE,
                              '          <code code="SA01" displayName="Etablissement public de santé" codeSystem="1.2.250.1.71.4.2.4"/>\n', ""),
}

if __name__ == "__main__":
    os.makedirs(INVALID, exist_ok=True)
    for name, text in VALID_FILES.items():
        write(VALID, name, text)
    latin = sub(with_ids(COMPLETE, "LDL-2025-0004"), 'encoding="UTF-8"', 'encoding="ISO-8859-1"')
    write(VALID, "iso-8859-1.xml", latin, encoding="iso-8859-1")
    for code, (base, old, new) in INVALID_FILES.items():
        # Each invalid fixture gets its own document id (INV-<rule code>) and IPP (IPP-INV-<rule
        # code>) after breaking its rule: one stored despite its warnings (INSTraitConsistency
        # at the default level) or retried later never collides with CLAIRE's documents or IPP.
        write(INVALID, code + ".xml", with_ids(sub(base, old, new), "INV-" + code, ipp="IPP-INV-" + code))
    print(f"{len(VALID_FILES) + 1} valid and {len(INVALID_FILES)} invalid fixtures written")
