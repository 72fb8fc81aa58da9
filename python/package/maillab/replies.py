"""The simulators' reply texts by name, exported from the C++ constants (the
simulators' replies.hpp), so C++ and Python tests expect the same bytes.

    from maillab import replies
    replies.POP3["LogonOk"]        # '+OK User successfully logged on.'
    replies.SMTP["SenderDenied"]   # '554 5.1.0 Sender denied'
"""
from ._core import POP3_REPLIES as POP3, SMTP_REPLIES as SMTP  # noqa: F401

globals().update(POP3)  # replies.LogonOk, as maillab_tools.replies always allowed
