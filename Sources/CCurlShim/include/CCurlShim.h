// A header-only shim over libcurl's easy interface for the CurlHTTP target (the only importer).
// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: each wrapper below fixes one
// argument type. Only <curl/curl.h> is included: <stdlib.h> and <string.h> clash with the Glibc and Dispatch
// module definitions in this toolchain.
#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H

#include <curl/curl.h>

// ---- Process-wide state ------------------------------------------------------

/// Initializes libcurl's global state (TLS backend included). Call once per process, before any handle exists.
static inline CURLcode rpa_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

/// The size the buffer given to rpa_curl_set_error_buffer must have at least.
static inline int rpa_curl_error_buffer_size(void) {
    return CURL_ERROR_SIZE;
}

// ---- Options with one argument type each ------------------------------------------

/// An option that takes a `long` (flags, counts, milliseconds).
static inline CURLcode rpa_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// An option that takes a `curl_off_t` (sizes past 2 GB, e.g. CURLOPT_MAXFILESIZE_LARGE).
static inline CURLcode rpa_curl_set_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// An option that takes a `struct curl_blob`: `length` bytes at `data`, copied by libcurl (CURL_BLOB_COPY).
static inline CURLcode rpa_curl_set_blob(CURL *handle, CURLoption option, const char *data, size_t length) {
    struct curl_blob blob;
    blob.data = (void *)data;
    blob.len = length;
    blob.flags = CURL_BLOB_COPY;
    return curl_easy_setopt(handle, option, &blob);
}

/// An option that takes a C string; libcurl copies it (except CURLOPT_POSTFIELDS, which this shim never sets).
static inline CURLcode rpa_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// Sets a string option to NULL (for CURLOPT_CAPATH: no CA directory at all).
static inline CURLcode rpa_curl_clear_string(CURL *handle, CURLoption option) {
    return curl_easy_setopt(handle, option, (const char *)0);
}

/// An option that takes an opaque pointer (callback contexts, CURLOPT_COPYPOSTFIELDS).
static inline CURLcode rpa_curl_set_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// CURLOPT_HTTPHEADER: the list must stay alive until the transfer ends or the handle is reset.
static inline CURLcode rpa_curl_set_header_list(CURL *handle, struct curl_slist *list) {
    return curl_easy_setopt(handle, CURLOPT_HTTPHEADER, list);
}

/// CURLOPT_ERRORBUFFER: at least rpa_curl_error_buffer_size() bytes, alive as long as the handle uses it.
static inline CURLcode rpa_curl_set_error_buffer(CURL *handle, char *buffer) {
    return curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, buffer);
}

// ---- Callbacks ---------------------------------------------------------------

/// Body and header data: return `size * count` to go on, anything else aborts the transfer.
typedef size_t (*rpa_curl_data_callback)(char *data, size_t size, size_t count, void *context);

/// Progress: return 0 to go on, non-zero to abort with CURLE_ABORTED_BY_CALLBACK.
typedef int (*rpa_curl_progress_callback)(void *context, curl_off_t download_total, curl_off_t download_now,
                                          curl_off_t upload_total, curl_off_t upload_now);

/// CURLOPT_WRITEFUNCTION and CURLOPT_WRITEDATA together.
static inline CURLcode rpa_curl_set_write_callback(CURL *handle, rpa_curl_data_callback callback, void *context) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_WRITEDATA, context);
}

/// CURLOPT_HEADERFUNCTION and CURLOPT_HEADERDATA together: one call per header line, status lines included.
static inline CURLcode rpa_curl_set_header_callback(CURL *handle, rpa_curl_data_callback callback, void *context) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_HEADERDATA, context);
}

/// CURLOPT_XFERINFOFUNCTION and CURLOPT_XFERINFODATA, and CURLOPT_NOPROGRESS off so libcurl calls it.
static inline CURLcode rpa_curl_set_progress_callback(CURL *handle, rpa_curl_progress_callback callback,
                                                      void *context) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
    if (code != CURLE_OK) return code;
    code = curl_easy_setopt(handle, CURLOPT_XFERINFODATA, context);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
}

// ---- Information ---------------------------------------------------------------

/// CURLINFO_RESPONSE_CODE: the last response's status, 0 when none was received.
static inline CURLcode rpa_curl_get_response_code(CURL *handle, long *status) {
    return curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, status);
}

#endif
