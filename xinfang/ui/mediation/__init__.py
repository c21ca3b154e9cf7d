"""调解 section of the app: dispute list, 登记 form, dispute detail, the mediator's 工作台 (issue 9)."""
