from datetime import timedelta
from needlecare.jobs.reminders import run_schedule, _candidates
from needlecare.storage.models.jobs import EventKind
from needlecare.storage.uow import UnitOfWork
from .test_reminders import _london_patient, DAY1_DUE
from .helpers import events

def test_dbg(factory, world, jobs_settings, db_kind):
    _london_patient(factory, world.alder_id)
    with UnitOfWork(factory).reading() as uow:
        print(_candidates(uow.session, DAY1_DUE))
    r = run_schedule(factory, jobs_settings, DAY1_DUE)
    print(r, events(factory, EventKind.REMINDER))
    assert 0
