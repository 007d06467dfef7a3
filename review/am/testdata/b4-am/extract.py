#!/usr/bin/python3
"""Extract the commit-message trailers of a "b4 am -o -" mbox.

Writes, for every message: "<Message-Id> Subject" on a line, then each trailer line
of the commit message (before "---" or the diff), tab-indented. Used to
regenerate NAME.trailers (see README).
"""
import email, email.policy, mailbox, re, sys

trailerish = re.compile(r'^[A-Za-z][A-Za-z0-9-]*: \S')
for msg in mailbox.mbox(sys.argv[1], factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default)):
    print(msg['Message-Id'].strip() + ' ' + ' '.join(str(msg['Subject']).split()))
    body = msg.get_content()
    for line in body.split('\n'):
        if line == '---' or line.startswith('diff ') or line.startswith('--- '):
            break
        if trailerish.match(line):
            print('\t' + line)
