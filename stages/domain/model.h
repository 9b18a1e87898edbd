/* model.h — the records the stages pass along.
 *
 *   ingest     file            → raw_document   (text of every known value, with its line)
 *   normalize  raw_document    → document       (typed, normalized values)
 *   validate   document        → findings       (rules across values)
 *
 * Every record and string lives in the arena of the document it belongs to;
 * the pipeline owns that arena and frees it in one go. */
#ifndef STATUSNOTAT_MODEL_H
#define STATUSNOTAT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "values.h"

/* ---- What ingest read: text as sent (whitespace collapsed), with lines. ---- */

typedef struct {
    const char *text;   /* NULL when the element or attribute is absent */
    uint32_t line;
} raw_text;

typedef struct {
    raw_text aar, amount;
    uint32_t line;
} raw_bevilling;

typedef struct {
    raw_text navn, enhed, dato, aar, value;
    uint32_t line;
} raw_indikator;

typedef struct {
    raw_text id, titel, tema, status, effekt, vurdering, anbefaling, bemaerkning;
    arena_vec bevillinger;   /* raw_bevilling */
    arena_vec indikatorer;   /* raw_indikator */
    uint32_t line;
} raw_indsats;

typedef struct {
    raw_text navn;
    raw_text ansatte_antal, ansatte_i_alt, ansatte_pct;
    raw_text arbejdsstyrke_antal, arbejdsstyrke_pct;
    uint32_t line, ansatte_line, arbejdsstyrke_line;   /* 0 when absent */
} raw_niveau;

typedef struct {
    raw_text opgjort;
    arena_vec niveauer;      /* raw_niveau */
    raw_text total_ansatte, total_arbejdsstyrke;
    uint32_t line, total_line;
} raw_personale;

typedef struct {
    raw_text version, talformat;
    raw_text forvaltning, forvaltning_kode, periode, indsendt, kontakt;
    arena_vec indsatser;     /* raw_indsats */
    raw_personale *personale;
    uint32_t hoved_line, indsatser_line;
} raw_document;

/* ---- What the file was: identity for the archive and the Kilder table. ---- */

typedef struct {
    const char *name;            /* as given (path or archive name) */
    unsigned char sha256[32];
    char sha256_hex[65];
    uint64_t bytes;              /* the file as delivered */
    uint64_t xml_bytes;          /* after gunzip */
    bool gzip;
} source_info;

/* ---- The normalized document. ---- */

typedef struct {
    int year;
    int64_t kroner;
    uint32_t line;
} bevilling;

typedef struct {
    const char *name, *unit, *text;
    indicator_value value;
    bool has_date;
    sn_date date;
    int year;                /* 0 when not given */
    uint32_t line;
} indikator;

typedef struct {
    const char *id, *title, *theme_text, *effect_text, *bemaerkning;
    int theme;               /* index into config.themes; -1 = other ("Øvrige") */
    int status;              /* index into config.statuses */
    int effect;              /* index into config.effects */
    bool effect_derived;     /* no @vurdering: derived from the text */
    int anbefaling;          /* index into config.anbefalinger; -1 = none */
    bevilling *bevillinger;
    size_t n_bevillinger;
    indikator *indikatorer;
    size_t n_indikatorer;
    uint32_t line;
} indsats;

typedef struct {
    const char *name;
    int64_t ansatte;
    int64_t i_alt;           /* -1 when not given */
    bool has_pct_ansatte;
    double pct_ansatte;      /* fraction as stated */
    int64_t arbejdsstyrke;   /* -1 when not given */
    bool has_pct_arbejdsstyrke;
    double pct_arbejdsstyrke;
    uint32_t line;
} niveau;

typedef struct {
    bool has_opgjort;
    sn_date opgjort;
    niveau *niveauer;
    size_t n_niveauer;
    int64_t total_ansatte;       /* stated; -1 when not given */
    int64_t total_arbejdsstyrke; /* stated; -1 when not given */
    uint32_t line, total_line;
} personale;

typedef struct {
    number_format talformat;
    int department;          /* index into config.departments; -1 when unknown */
    bool has_period;
    sn_period period;
    bool has_indsendt;
    sn_date indsendt;
    const char *kontakt;
    indsats *indsatser;
    size_t n_indsatser;
    personale *personale;    /* NULL when not sent */
} document;

#endif
