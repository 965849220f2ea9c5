#ifndef PASSERELLE_CLIBXML2_SHIM_H
#define PASSERELLE_CLIBXML2_SHIM_H

/* Debian's libxml2 is built with ICU, whose headers clash with the ICU copy that Foundation
   ships. Passerelle never touches the ICU converter fields, so the ICU part of libxml2's
   headers is left out. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlschemastypes.h>
#include <libxml/xmlIO.h>
#include <libxml/SAX2.h>

/* libxml2's generic error channel is variadic, which Swift cannot implement. This no-op
   channel keeps libxml2 from printing to stderr; every error Passerelle reports goes
   through the structured (per-context) channels instead. */
static inline void passerelle_silent_generic_error(void *ctx, const char *msg, ...) {
    (void)ctx;
    (void)msg;
}

/* Installs the silent generic channel for the calling thread (libxml2 keeps it per thread). */
static inline void passerelle_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, passerelle_silent_generic_error);
}

/* xmlFree is a global function pointer; calling through this keeps Swift code free of
   references to shared mutable state. */
static inline void passerelle_xml_free(void *pointer) {
    xmlFree(pointer);
}

#endif
