import Foundation

/// TLS settings for `mqtts://` connections.
public struct MQTTTLSConfiguration: Sendable, Equatable {
    /// CA bundle; nil uses the operating system's certificates.
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    /// Skips hostname verification (test set-ups only).
    public var insecureSkipVerify = false
    /// e.g. "tlsv1.2", "tlsv1.3"; nil lets the library choose.
    public var tlsVersion: String?

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil,
                insecureSkipVerify: Bool = false, tlsVersion: String? = nil) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.insecureSkipVerify = insecureSkipVerify
        self.tlsVersion = tlsVersion
    }
}

/// Capped exponential backoff between reconnect attempts.
public struct MQTTReconnectPolicy: Sendable, Equatable {
    public var minimumDelay: Duration
    public var maximumDelay: Duration

    public init(minimumDelay: Duration = .milliseconds(500), maximumDelay: Duration = .seconds(30)) {
        self.minimumDelay = minimumDelay
        self.maximumDelay = maximumDelay
    }
}

/// How an `MQTTClient` connects.
public struct MQTTConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var clientID: String
    public var username: String?
    public var password: String?
    public var protocolVersion: MQTTProtocolVersion = .v5
    /// false keeps a persistent session: the broker queues QoS ≥ 1 messages while we are away.
    public var cleanSession = true
    /// MQTT 5: how long the broker keeps a persistent session (cleanSession = false) after a disconnect.
    public var sessionExpiryInterval: Duration = .seconds(7 * 24 * 3600)
    /// Seconds between keep-alive pings.
    public var keepAlive = 30
    public var tls: MQTTTLSConfiguration?
    /// Published by the broker if the connection drops without a DISCONNECT.
    public var will: MQTTMessage?
    public var reconnect = MQTTReconnectPolicy()
    /// Outgoing QoS ≥ 1 messages in flight at once (MQTT 5 may lower it to the broker's receive maximum).
    public var maxInflightMessages = 10_000
    /// Received messages buffered before the network thread waits for the consumer (and, over MQTT 5, the
    /// receive maximum: how many unacknowledged messages the broker sends at once).
    public var receiveBufferCapacity = 10_000
    /// When received QoS 1 messages are acknowledged to the broker.
    public var acknowledgement = MQTTAcknowledgement.onReceipt
    /// How long a graceful disconnect waits for the application to process what was read
    /// (``MQTTAcknowledgement/afterProcessing``); what is still unprocessed then stays with the broker.
    public var processingDrainTimeout: Duration = .seconds(10)
    /// How long `connect()` waits for the first CONNACK.
    public var connectTimeout: Duration = .seconds(10)

    public init(host: String, port: Int = 1883, clientID: String) {
        self.host = host
        self.port = port
        self.clientID = clientID
    }

    /// Parses `mqtt://[user:pass@]host[:port]` (default port 1883) or `mqtts://…` (TLS, default 8883).
    public init(url: String, clientID: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw MQTTError(.invalidURL, "'\(url)' is not a URL like mqtt://host:1883")
        }
        guard scheme == "mqtt" || scheme == "mqtts" || scheme == "tcp" || scheme == "ssl" else {
            throw MQTTError(.invalidURL, "'\(url)': scheme '\(scheme)' is not mqtt or mqtts")
        }
        guard let host = components.host, !host.isEmpty else {
            throw MQTTError(.invalidURL, "'\(url)' has no host")
        }
        let secure = scheme == "mqtts" || scheme == "ssl"
        let port = components.port ?? (secure ? 8883 : 1883)
        guard (1...65535).contains(port) else {
            throw MQTTError(.invalidURL, "'\(url)': port \(port) is out of range")
        }
        guard !clientID.isEmpty else {
            throw MQTTError(.invalidConfiguration, "the client id must not be empty")
        }
        self.init(host: host, port: port, clientID: clientID)
        if let user = components.user {
            guard !user.isEmpty else { throw MQTTError(.invalidURL, "'\(url)' has a password but no user name") }
            username = user
            password = components.password
        } else if components.password != nil {
            throw MQTTError(.invalidURL, "'\(url)' has a password but no user name")
        }
        if secure { tls = MQTTTLSConfiguration() }
    }
}
