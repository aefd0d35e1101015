"""Answering a survey as its customer would: the link read from the queued e-mail (the Email Queue row's
message), the page opened and the answers posted over HTTP, with no login."""

import email as email_lib
import json
import re
import urllib.parse
import urllib.request


def link_in(message: str) -> str:
	"""The survey link in a queued e-mail (its HTML part)."""
	bodies = [
		part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
		for part in email_lib.message_from_string(message).walk()
		if part.get_content_type() == "text/html"
	]
	match = re.search(r'href="([^"]*/feedback\?token=[^"]+)"', "\n".join(bodies))
	assert match, "no survey link in the e-mail"
	return match.group(1).replace("&amp;", "&")


def answer(base_url: str, link: str, answers_for) -> dict:
	"""Open the link's page on ``base_url`` (the site as ``bench serve`` serves it) and post the answers
	``answers_for([(question, type), ...])`` gives; returns the page's HTML and the endpoint's reply."""
	parts = urllib.parse.urlsplit(link)
	token = urllib.parse.parse_qs(parts.query)["token"][0]
	with urllib.request.urlopen(f"{base_url}{parts.path}?{parts.query}", timeout=60) as response:
		page = response.read().decode()
	questions = list(dict.fromkeys(re.findall(r'data-question="([^"]+)" data-type="([^"]+)"', page)))
	assert questions, "the survey page shows no question"
	body = urllib.parse.urlencode({"token": token, "answers": json.dumps(answers_for(questions))}).encode()
	request = urllib.request.Request(
		f"{base_url}/api/method/crm_plus.feedback.api.submit",
		data=body,
		headers={"Accept": "application/json"},
		method="POST",
	)
	with urllib.request.urlopen(request, timeout=60) as response:
		reply = json.loads(response.read().decode())
	return {"page": page, "questions": questions, "reply": reply.get("message"), "token": token}
