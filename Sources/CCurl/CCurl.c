// CCurl is header-only (static inline wrappers); this file exists because SwiftPM
// needs at least one source file in a C target.
#include "CCurl.h"
