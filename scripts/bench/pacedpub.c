/* Paced QoS 1 publisher for latency runs: RATE msg/s for SECONDS s over DEVICES devices, each payload
 * stamped with the wall-clock time of its publish (ms) and a per-device seq. Prints sent/acked.
 * Optional: FAULT_EVERY (s, 0 = none): that often, one message of the next device in turn carries a
 * temperature of 45 (past the manufacturing HiHi limit of configmaps/anomaly-rules.yaml), and a line
 * "FAULT <device id> <seq> <timestamp ms>" is printed at once; FIRST (1): number of the first device
 * (BENCH<FIRST>-PLC on factory/line<FIRST>), so that runs against one database use fresh devices.
 * The temperature moves by a few hundredths from one message to the next (never stuck). */
#include <mosquitto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static long acked = 0;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void on_publish(struct mosquitto *m, void *u, int mid) { pthread_mutex_lock(&lock); acked++; pthread_mutex_unlock(&lock); }
static double now_s(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static long long wall_ms(void) { struct timespec t; clock_gettime(CLOCK_REALTIME, &t); return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000; }
int main(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: pacedpub HOST PORT RATE SECONDS DEVICES [FAULT_EVERY [FIRST]]\n"); return 2; }
    double fault_every = argc > 6 ? atof(argv[6]) : 0; int first = argc > 7 ? atoi(argv[7]) : 1;
    const char *host = argv[1]; int port = atoi(argv[2]); long rate = atol(argv[3]); double seconds = atof(argv[4]); int devices = atoi(argv[5]);
    mosquitto_lib_init();
    struct mosquitto *m = mosquitto_new("bench-paced", true, NULL);
    mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_publish_callback_set(m, on_publish);
    if (mosquitto_connect(m, host, port, 30) != MOSQ_ERR_SUCCESS) { fprintf(stderr, "connect failed\n"); return 1; }
    mosquitto_loop_start(m);
    long *seq = calloc(devices, sizeof(long));
    char payload[512], topic[64];
    long sent = 0, total = (long)(rate * seconds);
    double start = now_s(), next_fault = fault_every;
    int fault_device = 0;
    while (sent < total) {
        long due = (long)((now_s() - start) * rate);
        if (due > total) due = total;
        while (sent < due) {
            int d = sent % devices;
            double temperature = 23.4 + 0.01 * (seq[d] % 7);
            int fault = fault_every > 0 && now_s() - start >= next_fault && d == fault_device;
            if (fault) { temperature = 45.0; next_fault += fault_every; fault_device = (fault_device + 1) % devices; }
            long long stamp = wall_ms();
            snprintf(topic, sizeof topic, "factory/line%d", d + first);
            int n = snprintf(payload, sizeof payload,
                "{\"plc_id\":\"BENCH%d-PLC\",\"timestamp\":%lld,\"seq\":%ld,\"production_count\":%ld,\"line_speed\":101.5,"
                "\"temperature\":%.2f,\"pressure\":1.25,\"vibration\":0.42,\"quality_rate\":98.7,\"alarm\":false,\"status\":\"running\"}",
                d + first, stamp, ++seq[d], sent, temperature);
            if (fault) { printf("FAULT BENCH%d-PLC %ld %lld\n", d + first, seq[d], stamp); fflush(stdout); }
            mosquitto_publish(m, NULL, topic, n, payload, 1, false);
            sent++;
        }
        usleep(500);
    }
    for (int i = 0; i < 100; i++) { pthread_mutex_lock(&lock); long a = acked; pthread_mutex_unlock(&lock); if (a >= sent) break; usleep(50000); }
    printf("RESULT sent=%ld acked=%ld seconds=%.2f\n", sent, acked, now_s() - start);
    mosquitto_disconnect(m); mosquitto_loop_stop(m, false); mosquitto_destroy(m); mosquitto_lib_cleanup();
    return 0;
}
