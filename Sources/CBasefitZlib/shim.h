// Debian's zlib1g-dev. PackageKnowledge/Gzip.swift and ProjectScan/Inflater.swift import it.
#include <zlib.h>
