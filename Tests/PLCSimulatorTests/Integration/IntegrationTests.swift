import Testing

/// Tests against real mosquitto brokers. They run one at a time (timings matter on a shared
/// two-core machine); each starts its own broker on a free loopback port.
@Suite(.serialized) enum IntegrationTests {}
