#ifndef BASEFIT_CLIBARCHIVE_SHIM_H
#define BASEFIT_CLIBARCHIVE_SHIM_H
// Debian's libarchive-dev. Only ImageLayers/LibArchive.swift imports this module.
#include <archive.h>
#include <archive_entry.h>
#endif
