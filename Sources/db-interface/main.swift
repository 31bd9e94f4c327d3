import DBInterface

try await DBInterfaceService.main()
