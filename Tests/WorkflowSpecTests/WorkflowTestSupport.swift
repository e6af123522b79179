@testable import WorkflowSpec

/// Resolves a job of an inline workflow, returning the error when one is thrown.
func resolveJob(
    _ yaml: String, job: String = "test", context: ExpressionContext = ExpressionContext()
) -> Result<(job: JobSpec, diagnostics: [Diagnostic]), WorkflowError> {
    do {
        let workflow = try Workflow.parse(text: yaml, file: "workflow.yml")
        return .success(try workflow.job(job, context: context))
    } catch {
        return .failure(error)
    }
}
