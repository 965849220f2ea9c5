#!/usr/bin/env python3
"""Writes the flat-input fixtures (Fixtures/lgc, Fixtures/hprim) with exact bytes: encodings,
line endings, BOMs and deliberate defects. Every person is fictitious (names like FICTIF, ESSAI).
Usage: python3 Fixtures/make_flat_fixtures.py"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def write(rel, data):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)


HEADER = "NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION"
LGC_ROWS = [
    # 2: plain row with Œ and a typographic apostrophe (cp1252 0x8C, 0x92)
    "CŒURFICTIF;CŒURFICTIF;Éloïse Marie;12/03/1979;F;279035121518989;P000001;05/01/2024;Suivi HTA;\"TA 13/8 ; traitement poursuivi, l’essai continue.\"",
    # 3: quoted field with delimiter, doubled quotes and an embedded CRLF
    'ESSAI;ESSAI;Jean-Christophe Pierre;01/01/1950;M;;P000002;06/01/2024;"Bilan ""annuel""; contrôle";"Ligne 1\r\nLigne 2 ; avec point-virgule"',
    # 4: bad consultation date (31/02)
    "EXEMPLE;EXEMPLE;Zoé;28/02/2001;F;;P000003;31/02/2024;Fièvre;Observation",
    # 5: ragged row (9 columns)
    "RAGGED;RAGGED;Noé;15/07/1990;M;;P000004;07/01/2024;Toux",
    # 6: sex code outside the map
    "SEXEFICTIF;SEXEFICTIF;Camille;02/02/1982;X;;P000005;08/01/2024;Vaccination grippe;Injection faite – 1 dose …",
]


def lgc_text(rows, sep="\r\n"):
    return sep.join([HEADER] + rows) + sep


def main():
    write("lgc/lgc-cp1252-crlf.csv", lgc_text(LGC_ROWS).encode("cp1252"))
    write("lgc/lgc-utf8-bom-lf.csv", b"\xef\xbb\xbf" + lgc_text(LGC_ROWS[:2], "\n").encode("utf-8"))
    # Declared UTF-8 but one row holds Windows-1252 bytes (mojibake source): row 3, column of "Zoé".
    rows = [LGC_ROWS[0].encode("utf-8"), "ESSAI;ESSAI;Zoé;01/01/1950;M;;P000009;06/01/2024;Motif;Texte".encode("cp1252")]
    write("lgc/lgc-mojibake-utf8.csv", b"\r\n".join([HEADER.encode()] + rows) + b"\r\n")
    # Windows-1252 with an undefined byte (0x81) in a mapped column.
    write("lgc/lgc-cp1252-undefined.csv",
          (HEADER + "\r\n").encode() + b"FICTIF;FICTIF;Ana\x81s;01/01/1960;F;;P000010;01/02/2024;Motif;Texte\r\n")
    # Tab separated, ISO-8859-1, no header, LF.
    tsv = ["FICTIF\tFICTIF\tLéa\t19790312\tF\tP000020\t20240105\tCompte rendu\tTexte libre",
           "ESSAI\tESSAI\tNoël\t19800101\tM\tP000021\t20240106\tCompte rendu\tAutre texte"]
    write("lgc/lgc-iso88591-tab.tsv", ("\n".join(tsv) + "\n").encode("latin-1"))
    # Pipe separated, ISO-8859-15 (€ at 0xA4, œ at 0xBD), header, CRLF, no quoting.
    pipe = ["IPP|NOM|PRENOMS|NAISSANCE|TEXTE", "P000030|FICTIF|Zoé|01/05/1970|Honoraires 25 € ; sœur présente",
            "P000031|ESSAI|Cœur|02/05/1971|Sans objet"]
    write("lgc/lgc-iso885915-pipe.txt", ("\r\n".join(pipe) + "\r\n").encode("iso-8859-15"))
    # Colibri-like: comma, all quoted, UTF-8, LF.
    colibri = ['"tag","sexe","nom","prenom","date_de_naissance","commentaire","adresse","code_ville","code_postal_ville","telephone","email"',
               '"T-001","F","fictif","Éloïse","12/03/1979","Allergie, pénicilline","1 rue de l\'Essai","63113","63000","0400000000","essai@example.invalid"',
               '"T-002","M","essai","Noé","1/2/1990","Rappel ""DTP"" à prévoir","","","","",""']
    write("lgc/colibri-utf8.csv", ("\n".join(colibri) + "\n").encode("utf-8"))
    # Fixed width, ISO-8859-15, CRLF: two lab reports (grouped by IPP + request), one bad date.
    def fw(ipp, nom, prenoms, naissance, sexe, demande, date, code, libelle, valeur, unite, mn, mx, flag):
        return (ipp.ljust(8) + nom.ljust(20) + prenoms.ljust(20) + naissance.ljust(8) + sexe + demande.ljust(10) + date.ljust(8)
                + code.ljust(8) + libelle.ljust(24) + valeur.rjust(8) + unite.ljust(8) + mn.ljust(6) + mx.ljust(6) + flag)
    lines = [fw("P0000040", "ŒUVREFICTIVE", "Zoé Anaïs", "19790312", "2", "D24000001", "20240105", "GLY", "Glycémie à jeun", "5,4", "mmol/L", "3,9", "6,1", "N"),
             fw("P0000040", "ŒUVREFICTIVE", "Zoé Anaïs", "19790312", "2", "D24000001", "20240105", "K", "Potassium", "5,9", "mmol/L", "3,5", "5,0", "H"),
             fw("P0000041", "ESSAI", "Noël", "19500101", "1", "D24000002", "20240106", "CRP", "Protéine C réactive", "<5", "mg/L", "", "5", ""),
             fw("P0000042", "EXEMPLE", "Léa", "19901340", "2", "D24000003", "20240107", "NA", "Sodium", "140", "mmol/L", "136", "145", "N"),
             ("P0000043" + "COURT".ljust(20) + "Ana".ljust(20) + "19800101" + "2" + "D24000004".ljust(10) + "20240108")]
    write("lgc/fixed-width-lab-iso885915.txt", ("\r\n".join(lines) + "\r\n").encode("iso-8859-15"))
    hprim()


def hprim():
    sante = [
        "H|~^\\&|RES00001.HPR|1|LAB001~Laboratoire Fictif d'Essai||ORU|||CAB001~Cabinet Fictif||P|H2.2~C|20240105143000",
        "P|1|PAT0001|L00001||ŒUVREFICTIVE~Zoé~~~Mme|CŒURFICTIF|19790312|F||12 rue de l’Essai~~Fictiville~~63000",
        "C|1|L|Patiente à jeun|G",
        "OBR|1||~D24000001|GLY~Glycémie^K~Potassium|R||202401050800|||||||||||||||202401051200|||F",
        "OBX|1|NM|GLY~Glycémie à jeun~L||5,4|mmol/L|3,9~6,1|N|||F",
        "OBX|2|NM|K~Potassium~L||5,9|mmol/L|3.5-5.0|H|||F",
        "C|1|L|Hémolyse légère \\S\\ à contrôler|G",
        "OBR|2||~D24000002|HB~Hémoglobine|R||202401050800",
        "OBX|1|NM|HB~Hémoglobine~L||13,2|g/dL|12-16|N|||F",
        "OBX|2|TX|COM~Commentaire~L||Frottis : pas d'anomalie ",
        "A|morphologique notable ; contrôle à 3 mois.||||||F",
        "P|2|PAT0002|L00002||ESSAI~Noël||19500101|M",
        "OBR|1||~D24000003|CRP~Protéine C réactive|R||202401050900",
        "OBX|1|NM|CRP~Protéine C réactive~L||<5|mg/L|<5||||F",
        "OBX|2|NM|VS~Vitesse de sédimentation~L||12|mm|normale selon l'âge|N|||P",
        "L|1||2|15",
    ]
    write("hprim/sante-two-patients.hpr", ("\r\n".join(sante) + "\r\n").encode("cp1252"))
    write("hprim/sante-bad-header.hpr", ("\r\n".join(["H|~~\\&|X", "P|1|A"]) + "\r\n").encode("cp1252"))
    orphan = ["H|~^\\&|RES2.HPR|1|LAB001~Laboratoire Fictif||ORU|||CAB001~Cabinet||P|H2.2~C|20240105", "OBX|1|NM|GLY~Glycémie~L||5|mmol/L", "L|1"]
    write("hprim/sante-orphan-obx.hpr", ("\r\n".join(orphan) + "\r\n").encode("cp1252"))
    net = [
        "RES00042", "FICTIF", "Éloïse", "12 rue de l’Essai", "Bâtiment Œillet", "63000 FICTIVILLE", "12/03/1979",
        "279035121518989", "D24000010", "05/01/2024", "LAB001    Laboratoire Fictif d'Essai", "CAB001    Dr Médecin Fictif",
        "Compte rendu d'analyses de biologie médicale", "", "Prélèvement du 05/01/2024 à 08h00.",
        "****LAB****",
        "TEX|Biochimie",
        "RES|Glycémie à jeun|GLY|N|5.4|mmol/L|3.9|6.1|N|F|0.97|g/L|0.70|1.10",
        "RES|Potassium|K|N|5.9|mmol/L|3.5|5.0|H|F",
        "TEX|Hématologie",
        "RES|Hémoglobine|HB|N|13.2|g/dL|12|16||F",
        "RES|Aspect du sérum|ASP|A|Limpide||||N|P",
        "****FIN****",
        "Validé par le biologiste (fictif).",
        "****FINFICHIER****",
    ]
    write("hprim/net-report.hpr", ("\r\n".join(net) + "\r\n").encode("cp1252"))
    write("hprim/net-truncated.hpr", ("\r\n".join(net[:19]) + "\r\n").encode("cp1252"))
    write("hprim/net-short-header.hpr", ("\r\n".join(net[:6]) + "\r\n").encode("cp1252"))


if __name__ == "__main__":
    main()
