/* assets.c — the page's CSS and JavaScript; see assets.h. */
#include "assets.h"

#include <string.h>

static const char css[] =
    "body{font-family:system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:0 1rem;line-height:1.45;color:#1a1a1a}\n"
    ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}\n"
    "label{display:block;margin-top:.75rem;font-weight:600}\n"
    "input,button{font:inherit;margin-top:.25rem}button{padding:.4rem 1rem}\n"
    ":focus-visible{outline:3px solid #0b5cad;outline-offset:2px}\n"
    ".slip{border:2px dashed #555;padding:1rem;border-radius:.5rem}.slip.over{background:#eef5ff}\n"
    ".dom{padding:.5rem;border-left:.5rem solid}.klar{border-color:#1e7b34}.ikke-klar{border-color:#b3261e}"
    ".kunne-ikke{border-color:#8a5a00}\n"
    "li.fejl::marker{color:#b3261e}li.advarsel::marker{color:#8a5a00}\n"
    ".kilde{font-family:ui-monospace,monospace;font-size:.85rem;white-space:pre-wrap}\n"
    ".kilde li:target{background:#fff3b0}.ved-linjen{display:block;color:#b3261e;font-family:system-ui}\n"
    ".ved-linjen.advarsel{color:#8a5a00}.sti{color:#555;font-size:.85rem}\n"
    "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2rem .5rem}.tal{text-align:right}\n"
    "pre.json{max-height:20rem;overflow:auto;background:#f5f5f5;padding:.5rem}\n";

/* Better with JavaScript: files dropped on the zone or picked are checked at
 * once through the same form endpoint, the result replaces the results
 * section (a live region) and focus moves to the first verdict. */
static const char js[] =
    "'use strict';\n"
    "document.addEventListener('DOMContentLoaded', () => {\n"
    "  const form = document.getElementById('tjek');\n"
    "  const zone = document.getElementById('slip');\n"
    "  const input = document.getElementById('filer');\n"
    "  const results = document.getElementById('resultater');\n"
    "  if (!form || !zone || !input || !results) return;\n"
    "  async function check(files) {\n"
    "    const data = new FormData();\n"
    "    data.append('csrf', form.elements.csrf.value);\n"
    "    for (const f of files) data.append('fil', f, f.name);\n"
    "    results.innerHTML = '<p>Tjekker …</p>';\n"
    "    try {\n"
    "      const answer = await fetch('/check?del=1', {method: 'POST', body: data});\n"
    "      results.innerHTML = await answer.text();\n"
    "    } catch (e) {\n"
    "      results.innerHTML = '<h2 class=\"dom kunne-ikke\" tabindex=\"-1\">Tjekket kunne ikke gennemføres</h2>';\n"
    "    }\n"
    "    const first = results.querySelector('.dom');\n"
    "    if (first) first.focus();\n"
    "  }\n"
    "  form.addEventListener('submit', (e) => { e.preventDefault(); if (input.files.length) check(input.files); });\n"
    "  input.addEventListener('change', () => { if (input.files.length) check(input.files); });\n"
    "  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });\n"
    "  zone.addEventListener('dragleave', () => zone.classList.remove('over'));\n"
    "  zone.addEventListener('drop', (e) => {\n"
    "    e.preventDefault(); zone.classList.remove('over');\n"
    "    if (e.dataTransfer && e.dataTransfer.files.length) check(e.dataTransfer.files);\n"
    "  });\n"
    "});\n";

const char *assets_find(const char *path, const char **type, size_t *len)
{
    if (strcmp(path, "/assets/side.css") == 0) {
        *type = "text/css; charset=utf-8";
        *len = sizeof css - 1;
        return css;
    }
    if (strcmp(path, "/assets/side.js") == 0) {
        *type = "text/javascript; charset=utf-8";
        *len = sizeof js - 1;
        return js;
    }
    if (strcmp(path, "/statusnotat.xsd") == 0) {
        *type = "application/xml; charset=utf-8";
        *len = schema_xsd_len;
        return (const char *)schema_xsd;
    }
    return NULL;
}
