def test_loan_life(world):
    loan_id = world.loan()
    assert ("loan_life", "loan", loan_id) in world.offers()
    offer = world.offer_id("loan_life")
    pid = world.buy("loan_life", offer=offer)
    before = world.policy(pid)["insured_sum"]
    world.pay_loan(loan_id)
    assert world.policy(pid)["insured_sum"] < before
    cid = world.claim(pid)
    assert world.decide(cid, decision="approve") == "approved"
    assert world.loan_status(loan_id) == "repaid"
    world.verify()
