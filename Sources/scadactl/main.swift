import SCADACtl

await SCADACtl.main()
