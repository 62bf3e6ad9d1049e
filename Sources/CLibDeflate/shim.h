// Debian's libdeflate-dev (1.14): whole-buffer DEFLATE decompression and CRC-32, about
// twice zlib's speed. Only ProjectScan/Inflater.swift imports it.
#include <libdeflate.h>
