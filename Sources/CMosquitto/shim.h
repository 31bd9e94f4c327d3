#ifndef SCADA_CMOSQUITTO_SHIM_H
#define SCADA_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <sys/eventfd.h>
#endif
