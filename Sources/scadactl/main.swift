import SCADACtl

await SCADACtl.runMain()
