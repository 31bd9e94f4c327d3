import AnomalyDetector

await AnomalyDetectorService.main()
