/// Silences the device: messages are not sent and use no sequence numbers.
struct DropoutFault: FaultEffect {
    mutating func suppresses(_ stage: FaultStage) -> Bool { true }
}
