// Debian's zlib1g-dev. Only PackageKnowledge/Gzip.swift imports it.
#include <zlib.h>
