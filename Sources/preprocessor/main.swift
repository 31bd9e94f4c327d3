import Preprocessor

try await PreprocessorService.main()
