"""The notifications Rasan sends: each kind declared once, its words in the catalogue."""

from resalat_core.sdk import MessageKind, _l

POST_HIDDEN = MessageKind(
    "rasan_post_hidden",
    _l("Your post was hidden"),
    _l("The region's social leader hid your post. Their note: %(note)s"),
)
POST_RESTORED = MessageKind(
    "rasan_post_restored",
    _l("Your post is shown again"),
    _l("The region's social leader restored your post: everyone sees it again."),
)
QUESTION_FOR_YOU = MessageKind(
    "rasan_question",
    _l("A question you may answer"),
    _l("%(asker)s asked a question on Rasan that you know about."),
)
ANSWERED = MessageKind(
    "rasan_answered",
    _l("Your question was answered"),
    _l("%(expert)s answered your question on Rasan."),
)
