using Microsoft.AspNetCore.Http.HttpResults;

namespace Seq2SeqService.Errors;

/// <summary>application/problem+json responses for the service's error cases.</summary>
public static class Problems
{
    public static ProblemHttpResult Create(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static ProblemHttpResult BadRequest(string detail) =>
        Create(StatusCodes.Status400BadRequest, "Bad request", detail);

    /// <summary>400 listing every invalid field by its JSON path.</summary>
    public static ValidationProblem InvalidFields(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors,
            detail: string.Join(" ", errors.Select(e => $"{e.Key} {string.Join(" ", e.Value)}")),
            title: "Invalid request");

    /// <summary>400 naming one invalid field, shaped as <see cref="InvalidFields"/> is, where only a plain problem result fits.</summary>
    public static ProblemHttpResult InvalidField(string field, string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Invalid request",
            Detail = $"{field} {message}",
        });
}
