import backoff
import httpx


def _client_error(error):
    """4xx answers will not get better by asking again."""
    return isinstance(error, httpx.HTTPStatusError) and error.response.status_code < 500


@backoff.on_exception(backoff.expo, (httpx.TransportError, httpx.HTTPStatusError), max_tries=4, giveup=_client_error)
def get_json(url):
    response = httpx.get(url, timeout=2)
    response.raise_for_status()
    return response.json()
