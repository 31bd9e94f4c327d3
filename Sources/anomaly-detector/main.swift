import AnomalyDetector

try await AnomalyDetectorService.main()
