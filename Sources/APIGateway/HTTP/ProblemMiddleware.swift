import Hummingbird
import Logging

/// The outermost middleware: any error becomes an `application/problem+json` answer. Errors that are not
/// ``Problem``s (Hummingbird's own, e.g. an unknown route, or unexpected ones) are mapped by status; unexpected
/// errors are logged and answered 500 without their text.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return problem.response(instance: request.uri.path)
        } catch let error as any HTTPResponseError {
            return Self.problem(for: error.status, request: request).response(instance: request.uri.path)
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return Problem(.internalError, "the request could not be completed").response(instance: request.uri.path)
        }
    }

    static func problem(for status: HTTPResponse.Status, request: Request) -> Problem {
        switch status.code {
        case 400: Problem(.invalidBody, "the request could not be read")
        case 401: Problem(.unauthorized, "a bearer token is required")
        case 404: Problem(.notFound, "no route for \(request.method) \(request.uri.path)")
        case 405: Problem(.methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path)")
        case 413: Problem(.bodyTooLarge, "the request body is too large")
        case 415: Problem(.unsupportedMediaType, "the request body must be application/json")
        default: Problem(.internalError, "the request could not be completed")
        }
    }
}
