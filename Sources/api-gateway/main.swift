import APIGateway

try await APIGatewayService.main()
