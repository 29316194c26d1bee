// CCurl: typed wrappers around libcurl's varargs entry points.
//
// Swift cannot call C variadic functions, and curl_easy_setopt / curl_easy_getinfo /
// curl_multi_setopt are variadic macros-over-functions. Each wrapper below fixes the
// argument type for one family of options, so the Swift side stays type-checked.
#pragma once
#include <curl/curl.h>

// MARK: - Constants Swift does not import (function-like or composite macros)

/// CURL_GLOBAL_ALL is `(CURL_GLOBAL_SSL|CURL_GLOBAL_WIN32)`, which Swift does not import.
static const long CCURL_GLOBAL_ALL = CURL_GLOBAL_ALL;
/// Size of the buffer CURLOPT_ERRORBUFFER writes into.
static const int CCURL_ERROR_SIZE = CURL_ERROR_SIZE;
/// Returning this from a read callback aborts the transfer.
static const size_t CCURL_READFUNC_ABORT = CURL_READFUNC_ABORT;
/// Returning this from a write callback pauses the transfer.
static const size_t CCURL_WRITEFUNC_PAUSE = CURL_WRITEFUNC_PAUSE;
/// CURLOPT_XFERINFODATA is an alias macro for CURLOPT_PROGRESSDATA.
static const CURLoption CCURLOPT_XFERINFODATA = CURLOPT_XFERINFODATA;

// MARK: - Callback types

typedef size_t (*ccurl_write_callback)(char *data, size_t size, size_t count, void *userdata);
typedef size_t (*ccurl_read_callback)(char *buffer, size_t size, size_t count, void *userdata);
typedef int (*ccurl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                       curl_off_t ultotal, curl_off_t ulnow);

// MARK: - curl_easy_setopt

static inline CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// libcurl copies string options (since 7.17.0), so `value` may be freed after the call.
static inline CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// libcurl does NOT copy lists: `list` must stay alive until the transfer is done.
static inline CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list) {
    return curl_easy_setopt(handle, option, list);
}

static inline CURLcode ccurl_easy_setopt_write_function(CURL *handle, ccurl_write_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

static inline CURLcode ccurl_easy_setopt_header_function(CURL *handle, ccurl_write_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

static inline CURLcode ccurl_easy_setopt_read_function(CURL *handle, ccurl_read_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

static inline CURLcode ccurl_easy_setopt_xferinfo_function(CURL *handle, ccurl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

// MARK: - curl_easy_getinfo

static inline CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// The returned string is owned by the handle; copy it before curl_easy_cleanup.
static inline CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode ccurl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode ccurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

// MARK: - curl_multi_setopt

static inline CURLMcode ccurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}
