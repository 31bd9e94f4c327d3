import PLCSimulator

try await PLCSimulatorService.main()
