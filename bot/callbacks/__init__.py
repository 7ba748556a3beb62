"""Provider callbacks: recorded files and recording trouble, followed to the request they belong to.

One module per provider reads and checks its callbacks (:mod:`.tencent`, :mod:`.volc`, :mod:`.trro`, :mod:`.qcloud`);
:mod:`.desk` answers ``POST /callbacks/<provider>`` and hands what it learnt to the request's life.
"""
