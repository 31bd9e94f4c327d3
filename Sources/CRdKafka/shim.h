#ifndef SCADA_CRDKAFKA_SHIM_H
#define SCADA_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>
#endif
