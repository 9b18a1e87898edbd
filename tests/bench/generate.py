#!/usr/bin/python3
"""generate.py DIR PERIODS INDSATSER [FIRST_YEAR [CORRECTIONS]] — a night's
worth of valid statusnotater for the benchmark: every department, PERIODS half
years from FIRST_YEAR (default 2008), INDSATSER initiatives (each with two
bevillinger and two indicators) per document; and CORRECTIONS more documents
(default 0), each a later note for one of the first (period, department)
pairs, that supersedes it (…-rettet.xml)."""
import os
import sys

out, periods, per_doc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
first_year = int(sys.argv[4]) if len(sys.argv) > 4 else 2008
corrections = int(sys.argv[5]) if len(sys.argv) > 5 else 0
DEPS = [("ØKF", "Økonomiforvaltningen"), ("KFF", "Kultur- og Fritidsforvaltningen"),
        ("BUF", "Børne- og Ungdomsforvaltningen"), ("SUF", "Sundheds- og Omsorgsforvaltningen"),
        ("SOF", "Socialforvaltningen"), ("TMF", "Teknik- og Miljøforvaltningen"),
        ("BIF", "Beskæftigelses- og Integrationsforvaltningen"), ("BR", "Borgerrådgiveren")]
THEMES = ["Bolig", "Beskæftigelse", "Uddannelse", "Diskrimination"]
EFFECTS = ["oensket", "maerkbar", "begraenset", "minimal", "ingen", "ikke_dokumenteret", "for_tidligt"]
os.makedirs(out, exist_ok=True)


def amount_2009(k):
    """Thousands of kroner; none as "0 kr.", since "0.000" is a decimal point
    where a comma was meant (FORMAT.md)."""
    v = (k * 7) % 1000
    return f"{v}.000 kr." if v else "0 kr."


written = 0
for p in range(periods):
    year, half = first_year + p // 2, 1 + p % 2
    for code, name in DEPS:
        ascii_code = code.replace("Ø", "OE")
        parts = []
        for k in range(per_doc):
            parts.append(
                f'<indsats id="{ascii_code}{k:05d}"><titel>Indsats nummer {k} med en lidt længere titel</titel>'
                f'<tema>{THEMES[k % 4]}</tema><bevilling aar="2008">{k % 9},{k % 10} mio. kr.</bevilling>'
                f'<bevilling aar="2009">{amount_2009(k)}</bevilling><status>igangsat</status>'
                f'<effekt vurdering="{EFFECTS[k % 7]}">Tekst om effekten af indsats {k}.</effekt>'
                f'<indikator navn="Deltagere" enhed="antal" aar="2008">{k % 50} ud af 50</indikator>'
                f'<indikator navn="Andel" enhed="procent" dato="1. oktober 2008">{k % 100} procent</indikator>'
                '</indsats>')
        doc = ('<?xml version="1.0" encoding="UTF-8"?>\n<statusnotat xmlns="urn:kk:integration:statusnotat:1" '
               f'version="1.0"><hoved><forvaltning kode="{code}">{name}</forvaltning><periode>{year}-H{half}'
               f'</periode><indsendt>1.1.{year + 1}</indsendt></hoved><indsatser>' + "\n".join(parts) +
               '</indsatser></statusnotat>\n')
        with open(os.path.join(out, f"{ascii_code}-{year}-H{half}.xml"), "w", encoding="utf-8") as f:
            f.write(doc)
        if written < corrections:   # the same note sent again a day later, one amount changed
            written += 1
            again = doc.replace(f"<indsendt>1.1.{year + 1}<", f"<indsendt>2.1.{year + 1}<").replace(
                'aar="2008">', 'aar="2008">1', 1)
            with open(os.path.join(out, f"{ascii_code}-{year}-H{half}-rettet.xml"), "w", encoding="utf-8") as f:
                f.write(again)
