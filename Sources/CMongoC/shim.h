#ifndef SCADA_CMONGOC_SHIM_H
#define SCADA_CMONGOC_SHIM_H
#include <mongoc/mongoc.h>
#include <bson/bson.h>
#endif
