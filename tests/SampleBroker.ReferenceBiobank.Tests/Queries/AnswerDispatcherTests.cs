using System.Net;
using SampleBroker.ReferenceBiobank.Queries;

namespace SampleBroker.ReferenceBiobank.Tests.Queries;

public sealed class AnswerDispatcherTests
{
    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.Accepted)]
    [InlineData(HttpStatusCode.NoContent)]
    public void A_2xx_reply_means_delivered(HttpStatusCode status)
    {
        Assert.Equal(DeliveryOutcome.Delivered, AnswerDispatcher.Classify(status));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.Gone)]
    public void The_brokers_final_answers_are_not_retried(HttpStatusCode status)
    {
        Assert.Equal(DeliveryOutcome.GiveUp, AnswerDispatcher.Classify(status));
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.Redirect)]
    public void Other_replies_are_retried(HttpStatusCode status)
    {
        Assert.Equal(DeliveryOutcome.Retry, AnswerDispatcher.Classify(status));
    }
}
