/* reader.c — the structure of FORMAT.md read through libxml2's xmlTextReader:
 * elements, attributes and text into a raw_document, each mistake a finding. */
#include "ingest_parts.h"

static uint32_t current_line(reader_state *st)
{
    xmlNodePtr node = xmlTextReaderCurrentNode(st->reader);
    long line = node ? xmlGetLineNo(node) : -1;
    if (line <= 0 || line >= 65535)
        line = xmlTextReaderGetParserLineNumber(st->reader);
    return line > 0 ? (uint32_t)line : 0;
}

/* The element path of the open element, with `extra` appended ("/x", "/@y"). */
static const char *path_of(reader_state *st, int depth, const char *extra)
{
    char buf[512];
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < depth && o < sizeof buf; i++) {
        const frame *fr = &st->stack[i];
        const element_rule *r = &element_rules[fr->kind];
        int w;
        if (r->max == 1)
            w = snprintf(buf + o, sizeof buf - o, "/%s", r->name);
        else
            w = snprintf(buf + o, sizeof buf - o, "/%s[%u]", r->name, fr->index);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    if (extra && o < sizeof buf)
        snprintf(buf + o, sizeof buf - o, "%s", extra);
    char *p = arena_strdup(st->a, buf);
    if (!p)
        st->oom = true;
    return p ? p : "";
}

/* libxml2's structured errors: the first one is kept, and becomes one finding
 * once the parse is over (report_xml_error), so that a cascade is one line
 * and an empty or cut-off file is said as such. */
void ingest_on_xml_error(void *ctx, xmlErrorPtr err)
{
    reader_state *st = ctx;
    if (!err || err->level < XML_ERR_ERROR)
        return;
    st->fatal = true;
    if (st->xml_error || st->in->error != F_COUNT)   /* our stream stopped it: said already */
        return;
    st->xml_error = true;
    st->xml_code = err->code;
    st->xml_line = err->line > 0 ? (uint32_t)err->line : 0;
    snprintf(st->xml_message, sizeof st->xml_message, "%s", err->message ? err->message : "");
    size_t n = strlen(st->xml_message);
    while (n && (st->xml_message[n - 1] == '\n' || st->xml_message[n - 1] == ' '))
        st->xml_message[--n] = '\0';
}

static bool append_text(reader_state *st, const char *s)
{
    size_t n = strlen(s);
    if (st->text_len + n + 1 > st->text_cap) {
        size_t cap = st->text_cap ? st->text_cap : 256;
        while (cap < st->text_len + n + 1)
            cap *= 2;
        char *p = realloc(st->text, cap);
        if (!p)
            return false;
        st->text = p;
        st->text_cap = cap;
    }
    memcpy(st->text + st->text_len, s, n + 1);
    st->text_len += n;
    return true;
}

static raw_text collapsed(reader_state *st, const char *s, size_t n, uint32_t line)
{
    raw_text t = {text_collapse(st->a, s, n), line};
    if (!t.text)
        st->oom = true;
    return t;
}

/* ------------------------------------------------------------------------ */
/* Opening and closing known elements: where the raw record is filled.       */

static void *push_record(reader_state *st, arena_vec *v, size_t size)
{
    void *r = arena_vec_push(st->a, v, size);
    if (!r)
        st->oom = true;
    return r;
}

/* A record past the configured maximum stops the document (TOO_MANY_ROWS):
 * what a workbook cannot hold is decided here, before memory is spent on it. */
static bool within_limit(reader_state *st, frame *fr, size_t *count, size_t max, const char *what)
{
    if (++*count <= max)
        return true;
    char limit[32];
    value_format_thousands((__int128)max, limit, sizeof limit);
    REPORT(st, F_TOO_MANY_ROWS, fr->line, path_of(st, st->depth, NULL),
           "dokumentet har mere end %s %s; det er grænsen for ét dokument, så regnearket kan "
           "rumme alle forvaltningers dokumenter for perioden; del dokumentet op",
           limit, what);
    st->fatal = true;
    return false;
}

/* Called when an element of our namespace opens, after its attributes are read.
 * One piece because one element's checks (known, in its parent, once, its attributes)
 * follow the element table in one switch; apart, each check would repeat the look-ups. */
static void open_element(reader_state *st, frame *fr)
{
    frame *parent = st->depth >= 2 ? &st->stack[st->depth - 2] : NULL;
    raw_document *d = st->doc;
    if ((fr->kind == EL_INDSATS &&
         !within_limit(st, fr, &st->n_indsatser, st->cfg->max_indsatser, "indsatser")) ||
        (fr->kind == EL_INDIKATOR &&
         !within_limit(st, fr, &st->n_indikatorer, st->cfg->max_indikatorer, "indikatorer")) ||
        (fr->kind == EL_NIVEAU &&
         !within_limit(st, fr, &st->n_niveauer, st->cfg->max_niveauer, "niveauer")))
        return;
    switch (fr->kind) {
    case EL_ROOT:
        d->version = fr->attrs[0];
        d->talformat = fr->attrs[1];
        break;
    case EL_HOVED:
        d->hoved_line = fr->line;
        break;
    case EL_INDSATSER:
        d->indsatser_line = fr->line;
        break;
    case EL_INDSATS: {
        raw_indsats *x = push_record(st, &d->indsatser, sizeof *x);
        if (x) {
            x->id = fr->attrs[0];
            x->line = fr->line;
        }
        fr->record = x;
        break;
    }
    case EL_BEVILLING: {
        raw_indsats *x = parent->record;
        raw_bevilling *b = x ? push_record(st, &x->bevillinger, sizeof *b) : NULL;
        if (b) {
            b->aar = fr->attrs[0];
            b->line = fr->line;
        }
        fr->record = b;
        break;
    }
    case EL_INDIKATOR: {
        raw_indsats *x = parent->record;
        raw_indikator *ind = x ? push_record(st, &x->indikatorer, sizeof *ind) : NULL;
        if (ind) {
            ind->navn = fr->attrs[0];
            ind->enhed = fr->attrs[1];
            ind->dato = fr->attrs[2];
            ind->aar = fr->attrs[3];
            ind->line = fr->line;
        }
        fr->record = ind;
        break;
    }
    case EL_EFFEKT: {
        raw_indsats *x = parent->record;
        if (x)
            x->vurdering = fr->attrs[0];
        break;
    }
    case EL_FORVALTNING:
        d->forvaltning_kode = fr->attrs[0];
        break;
    case EL_PERSONALE: {
        raw_personale *p = arena_alloc(st->a, sizeof *p);
        if (!p) {
            st->oom = true;
            break;
        }
        p->opgjort = fr->attrs[0];
        p->line = fr->line;
        d->personale = p;
        fr->record = p;
        break;
    }
    case EL_NIVEAU: {
        raw_personale *p = parent->record;
        raw_niveau *nv = p ? push_record(st, &p->niveauer, sizeof *nv) : NULL;
        if (nv) {
            nv->navn = fr->attrs[0];
            nv->line = fr->line;
        }
        fr->record = nv;
        break;
    }
    case EL_ANSATTE: {
        raw_niveau *nv = parent->record;
        if (nv) {
            nv->ansatte_antal = fr->attrs[0];
            nv->ansatte_i_alt = fr->attrs[1];
            nv->ansatte_pct = fr->attrs[2];
            nv->ansatte_line = fr->line;
        }
        break;
    }
    case EL_ARBEJDSSTYRKE: {
        raw_niveau *nv = parent->record;
        if (nv) {
            nv->arbejdsstyrke_antal = fr->attrs[0];
            nv->arbejdsstyrke_pct = fr->attrs[1];
            nv->arbejdsstyrke_line = fr->line;
        }
        break;
    }
    case EL_TOTAL: {
        raw_personale *p = parent->record;
        if (p) {
            p->total_ansatte = fr->attrs[0];
            p->total_arbejdsstyrke = fr->attrs[1];
            p->total_line = fr->line;
        }
        break;
    }
    default:
        break;
    }
}

/* Stores the collected text of a leaf element that closes. */
static void store_text(reader_state *st, frame *fr)
{
    raw_text t = collapsed(st, st->text ? st->text : "", st->text_len, fr->line);
    frame *parent = &st->stack[st->depth - 2];
    raw_indsats *x = parent->record;
    raw_document *d = st->doc;
    switch (fr->kind) {
    case EL_FORVALTNING: d->forvaltning = t; break;
    case EL_PERIODE:     d->periode = t; break;
    case EL_INDSENDT:    d->indsendt = t; break;
    case EL_KONTAKT:     d->kontakt = t; break;
    case EL_TITEL:       if (x) x->titel = t; break;
    case EL_TEMA:        if (x) x->tema = t; break;
    case EL_STATUS:      if (x) x->status = t; break;
    case EL_EFFEKT:      if (x) x->effekt = t; break;
    case EL_ANBEFALING:  if (x) x->anbefaling = t; break;
    case EL_BEMAERKNING: if (x) x->bemaerkning = t; break;
    case EL_BEVILLING:
        if (fr->record)
            ((raw_bevilling *)fr->record)->amount = t;
        break;
    case EL_INDIKATOR:
        if (fr->record)
            ((raw_indikator *)fr->record)->value = t;
        break;
    default:
        break;
    }
}

static void close_element(reader_state *st)
{
    frame *fr = &st->stack[st->depth - 1];
    const element_rule *r = &element_rules[fr->kind];
    if (r->has_text)
        store_text(st, fr);
    /* Required children that never came. */
    for (int k = 0; k < EL_COUNT; k++) {
        if (element_rules[k].parent != fr->kind || element_rules[k].min == 0 || fr->child_count[k] > 0 ||
            (fr->suggested & (1u << k)))
            continue;
        char extra[64];
        snprintf(extra, sizeof extra, "/%s", element_rules[k].name);
        REPORT(st, F_ELEMENT_MISSING, fr->line, path_of(st, st->depth, extra),
               "<%s> mangler i <%s>", element_rules[k].name, r->name);
    }
    st->depth--;
    st->text_len = 0;
    if (st->depth == 0)
        st->root_closed = true;
}

/* Reads the attributes of the element the reader is on into fr->attrs and
 * reports unknown and missing ones. */
static void read_attributes(reader_state *st, frame *fr)
{
    const element_rule *r = &element_rules[fr->kind];
    while (xmlTextReaderMoveToNextAttribute(st->reader) == 1) {
        if (xmlTextReaderIsNamespaceDecl(st->reader) == 1)
            continue;
        const char *ns = (const char *)xmlTextReaderConstNamespaceUri(st->reader);
        const char *name = (const char *)xmlTextReaderConstLocalName(st->reader);
        const char *value = (const char *)xmlTextReaderConstValue(st->reader);
        if (!name)
            continue;
        if (ns && strcmp(ns, STATUSNOTAT_NAMESPACE) != 0)
            continue;   /* another namespace's attribute: not ours to judge */
        int a = -1;
        for (int i = 0; !ns && i < MAX_ATTRS && r->attrs[i]; i++)
            if (strcmp(r->attrs[i], name) == 0)
                a = i;
        if (a < 0) {
            char extra[80];
            snprintf(extra, sizeof extra, "/@%.60s", name);
            REPORT(st, F_ATTRIBUTE_UNKNOWN, fr->line, path_of(st, st->depth, extra),
                   "attributten %s er ikke tilladt på <%s>", name, r->name);
            continue;
        }
        fr->attrs[a] = collapsed(st, value ? value : "", value ? strlen(value) : 0, fr->line);
    }
    xmlTextReaderMoveToElement(st->reader);
    for (int i = 0; i < MAX_ATTRS && r->attrs[i]; i++) {
        if (!r->required[i] || fr->attrs[i].text)
            continue;
        char extra[64];
        snprintf(extra, sizeof extra, "/@%s", r->attrs[i]);
        REPORT(st, F_ATTRIBUTE_MISSING, fr->line, path_of(st, st->depth, extra),
               "<%s> mangler attributten %s", r->name, r->attrs[i]);
    }
}

static bool encoding_supported(const char *enc)
{
    static const char *ok[] = {"UTF-8", "UTF8", "ISO-8859-1", "ISO_8859-1", "LATIN1",
                               "WINDOWS-1252", "CP1252", "US-ASCII", "ASCII"};
    if (!enc)
        return true;   /* no declaration: UTF-8 */
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcasecmp(enc, ok[i]) == 0)
            return true;
    return false;
}

/* The root element: name, namespace, version and talformat decide whether
 * reading on makes sense. */
static bool check_root(reader_state *st, const char *name, const char *ns, uint32_t line)
{
    if (strcmp(name, "statusnotat") != 0) {
        REPORT(st, F_ROOT_INVALID, line, "/", "rodelementet er <%.60s>, ikke <statusnotat>", name);
        return false;
    }
    if (!ns || strcmp(ns, STATUSNOTAT_NAMESPACE) != 0) {
        REPORT(st, F_NAMESPACE_INVALID, line, element_path(st->pathbuf, sizeof st->pathbuf, EL_ROOT, NULL, NULL),
               "<statusnotat> skal have navnerummet %s (har %.100s)", STATUSNOTAT_NAMESPACE,
               ns ? ns : "intet navnerum");
        return false;
    }
    return true;
}

static bool check_root_attributes(reader_state *st, frame *fr)
{
    const raw_text *version = &fr->attrs[0], *talformat = &fr->attrs[1];
    if (version->text && strcmp(version->text, "1.0") != 0) {
        REPORT(st, F_VERSION_UNSUPPORTED, fr->line,
               element_path(st->pathbuf, sizeof st->pathbuf, EL_ROOT, NULL, "version"),
               "version \"%.40s\" understøttes ikke (kun 1.0)", version->text);
        return false;
    }
    if (!version->text)
        return false;   /* ATTRIBUTE_MISSING already said */
    if (talformat->text && strcmp(talformat->text, "da") != 0 &&
        strcmp(talformat->text, "iso") != 0) {
        REPORT(st, F_TALFORMAT_INVALID, fr->line,
               element_path(st->pathbuf, sizeof st->pathbuf, EL_ROOT, NULL, "talformat"),
               "talformat \"%.40s\" er hverken \"da\" eller \"iso\"", talformat->text);
        return false;
    }
    return true;
}

/* ELEMENT_UNKNOWN, with the allowed element it is closest to ("mente du
 * <tema>?"), or else the list of allowed ones. A near miss of a required
 * element that is missing is said once, here. */
static void report_unknown_element(reader_state *st, const char *name, int parent_kind,
                                   uint32_t line, const char *path)
{
    const char *parent = parent_kind >= 0 ? element_rules[parent_kind].name : "";
    int best = -1;
    size_t best_distance = 3;
    char allowed[400] = "";
    size_t o = 0;
    for (int k = 0; k < EL_COUNT; k++) {
        if (element_rules[k].parent != parent_kind)
            continue;
        size_t d = text_edit_distance(name, element_rules[k].name);
        if (d < best_distance && d * 3 <= strlen(element_rules[k].name)) {
            best = k;
            best_distance = d;
        }
        int n = snprintf(allowed + o, sizeof allowed - o, "%s<%s>", o ? ", " : "", element_rules[k].name);
        if (n > 0 && (size_t)n < sizeof allowed - o)
            o += (size_t)n;
    }
    if (best >= 0) {
        REPORT(st, F_ELEMENT_UNKNOWN, line, path, "<%.60s> er ikke tilladt i <%s>; mente du <%s>?",
               name, parent, element_rules[best].name);
        if (st->depth > 0)
            st->stack[st->depth - 1].suggested |= 1u << best;
    } else if (o) {
        REPORT(st, F_ELEMENT_UNKNOWN, line, path, "<%.60s> er ikke tilladt i <%s>; tilladt er %s",
               name, parent, allowed);
    } else {
        REPORT(st, F_ELEMENT_UNKNOWN, line, path, "<%.60s> er ikke tilladt i <%s>", name, parent);
    }
}

/* One element start. Returns true when its subtree is to be skipped. */
static bool on_element(reader_state *st)
{
    const char *name = (const char *)xmlTextReaderConstLocalName(st->reader);
    const char *ns = (const char *)xmlTextReaderConstNamespaceUri(st->reader);
    bool empty = xmlTextReaderIsEmptyElement(st->reader) == 1;
    uint32_t line = current_line(st);
    if (!name)
        name = "";

    if (st->depth == 0) {
        st->root_seen = true;
        const char *enc = (const char *)xmlTextReaderConstEncoding(st->reader);
        if (!encoding_supported(enc)) {
            REPORT(st, F_ENCODING_UNSUPPORTED, 1, NULL,
                   "tegnsættet %.40s understøttes ikke (brug UTF-8, ISO-8859-1 eller windows-1252)",
                   enc);
            st->fatal = true;
            return true;
        }
        if (!check_root(st, name, ns, line)) {
            st->fatal = true;
            return true;
        }
    } else if (ns && strcmp(ns, STATUSNOTAT_NAMESPACE) != 0) {
        return true;   /* another namespace: the sender's own metadata, ignored */
    }

    int parent_kind = st->depth ? st->stack[st->depth - 1].kind : -1;
    int kind = st->depth == 0 ? EL_ROOT : element_child(parent_kind, name);
    if (kind < 0 || !ns || st->depth >= MAX_DEPTH) {
        char extra[80];
        snprintf(extra, sizeof extra, "/%.60s", name);
        if (!ns)
            REPORT(st, F_NAMESPACE_INVALID, line, path_of(st, st->depth, extra),
                   "<%.60s> er uden navnerum; brug %s", name, STATUSNOTAT_NAMESPACE);
        else
            report_unknown_element(st, name, parent_kind, line, path_of(st, st->depth, extra));
        return true;
    }

    uint32_t index = 1;
    if (st->depth > 0) {
        frame *parent = &st->stack[st->depth - 1];
        index = ++parent->child_count[kind];
        if (element_rules[kind].max && index > (uint32_t)element_rules[kind].max) {
            char extra[80];
            snprintf(extra, sizeof extra, "/%s[%u]", name, index);
            REPORT(st, F_ELEMENT_REPEATED, line, path_of(st, st->depth, extra),
                   "<%s> må kun forekomme %d gang i <%s>", name, element_rules[kind].max,
                   element_rules[parent_kind].name);
            return true;
        }
    }

    frame *fr = &st->stack[st->depth++];
    memset(fr, 0, sizeof *fr);
    fr->kind = kind;
    fr->line = line;
    fr->index = index;
    st->text_len = 0;
    read_attributes(st, fr);
    if (kind == EL_ROOT && !check_root_attributes(st, fr)) {
        st->fatal = true;
        return true;
    }
    open_element(st, fr);
    if (empty)
        close_element(st);
    return false;
}

static void on_text(reader_state *st, int type)
{
    const char *value = (const char *)xmlTextReaderConstValue(st->reader);
    if (st->depth == 0 || !value)
        return;
    frame *fr = &st->stack[st->depth - 1];
    if (element_rules[fr->kind].has_text) {
        if (!append_text(st, value))
            st->oom = true;
        return;
    }
    if (type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
        fr->text_reported)
        return;
    for (const char *p = value; *p; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            fr->text_reported = true;
            REPORT(st, F_TEXT_UNEXPECTED, fr->line, path_of(st, st->depth, NULL),
                   "<%s> må kun indeholde elementer, ikke tekst", element_rules[fr->kind].name);
            return;
        }
    }
}

void ingest_read_document(reader_state *st)
{
    int rc = xmlTextReaderRead(st->reader);
    while (rc == 1 && !st->fatal && !st->oom) {
        int type = xmlTextReaderNodeType(st->reader);
        bool skip = false;
        switch (type) {
        case XML_READER_TYPE_ELEMENT:
            skip = on_element(st);
            break;
        case XML_READER_TYPE_END_ELEMENT:
            if (st->depth > 0)
                close_element(st);
            break;
        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_WHITESPACE:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
            on_text(st, type);
            break;
        case XML_READER_TYPE_DOCUMENT_TYPE:
            REPORT(st, F_XML_DTD, current_line(st), NULL,
                   "dokumentet har en DTD (<!DOCTYPE>); DTD'er og entitetserklæringer er ikke "
                   "tilladt");
            st->fatal = true;
            break;
        case XML_READER_TYPE_ENTITY_REFERENCE:
        case XML_READER_TYPE_ENTITY:
            REPORT(st, F_XML_ENTITY, current_line(st), path_of(st, st->depth, NULL),
                   "entitetsreferencer er ikke tilladt");
            st->fatal = true;
            break;
        default:
            break;   /* comments, processing instructions */
        }
        if (st->fatal || st->oom)
            break;
        rc = skip ? xmlTextReaderNext(st->reader) : xmlTextReaderRead(st->reader);
    }
    if (rc < 0 && !st->xml_error && st->in->error == F_COUNT && st->f->errors == 0) {
        /* libxml2 gave up without a structured error. */
        st->xml_error = true;
        st->xml_code = -1;
        st->xml_line = (uint32_t)xmlTextReaderGetParserLineNumber(st->reader);
    }
    if (rc < 0)
        st->fatal = true;
}
