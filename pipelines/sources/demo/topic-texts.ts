/**
 * Text templates per topic. Every template holds a keyword of its own topic (checked by
 * test/demo/topics.test.ts). Placeholders: {first} {agent} {biz} {amount} {n} {weekday} {window}.
 */
import type { TopicId } from "./topics.ts";

export interface TopicTexts {
  /** Noun phrases naming the issue, for comments and follow-up texts. */
  frags: string[];
  /** The customer's opening words on a call. */
  openers: string[];
  /** The agent's answer on a call. */
  resolutions: string[];
  /** First sentence of a call summary. */
  summaries: string[];
  nextSteps: string[];
  /** First text a customer sends. */
  inbound: string[];
  /** Agent's text replies. */
  replies: string[];
  /** Customer's later texts: things worked out / did not. */
  followOk: string[];
  followBad: string[];
}

export const TOPIC_TEXTS: Record<TopicId, TopicTexts> = {
  login: {
    frags: ["my login", "the password reset", "being locked out of the portal", "the login page"],
    openers: [
      "Hi, I can't log in to my account, it keeps saying my password is wrong.",
      "I'm locked out of the customer portal after too many tries.",
      "My login stopped working this morning and the reset email never came.",
      "I need help resetting my password, I can't log in.",
    ],
    resolutions: [
      "I've sent you a new password reset link, it's good for thirty minutes.",
      "I unlocked the account, so you can log in again now.",
      "Your login was tied to an old email address, I've updated it.",
      "Try the password reset link again and tell me once you're in.",
    ],
    summaries: [
      "Customer could not log in to the portal and was locked out after several attempts.",
      "Caller needed a password reset for the customer portal.",
      "Customer reported a login problem after changing their email address.",
    ],
    nextSteps: ["Confirm the customer can log in with the new password.", "Send password reset instructions by email.", "Follow up if the login problem comes back."],
    inbound: ["Hi, I can't log in to the app. Can you reset my password?", "I'm locked out of my account again", "Login isn't accepting my password, help?", "Need a password reset please, I can't log in"],
    replies: [
      "Hi {first}, this is {agent} from {biz}. I just sent a password reset link to the email on file.",
      "Thanks {first}! Your account is unlocked now, please try to log in again.",
      "Sorry about that. Your login should work now with the new password.",
    ],
    followOk: ["Got the password link, thanks", "That worked, I can log in now", "Login works again"],
    followBad: ["Still can't log in, it says the password expired", "Locked out again after one try", "The password link you sent doesn't open"],
  },
  outage: {
    frags: ["the outage", "the outage in my area", "the network outage"],
    openers: [
      "Hi, is there an outage? My service is down since this morning.",
      "My internet is not working at all, is there an outage?",
      "Our service is down at the office, is this a known outage?",
    ],
    resolutions: [
      "Yes, we have an outage affecting your area and crews are working on it.",
      "I can confirm the outage, the estimate to restore service is a few hours.",
      "I've added you to the outage ticket so you'll get a text when it's back.",
    ],
    summaries: [
      "Customer reported that their service is down during the regional outage.",
      "Caller asked about the outage affecting their area and a restore time.",
      "Customer said the system was not working at all; the agent confirmed the outage.",
    ],
    nextSteps: ["Text the customer when the outage is resolved.", "Add the account to the outage ticket.", "Check back after the outage is cleared."],
    inbound: ["Is there an outage? My service is down", "Everything is not working at all here", "Any update on the outage?", "Service is down again at our house"],
    replies: [
      "Hi {first}, yes there's an outage in your area and our team is on it.",
      "Sorry {first}, we're aware of the outage and expect service back within a few hours.",
      "Thanks for letting us know. We'll text you as soon as the outage is over.",
    ],
    followOk: ["Ok, thanks for the outage update", "Service is back, thanks for the outage updates"],
    followBad: ["It's been hours and the service is down still", "Still not working at all after the outage"],
  },
  billing_dispute: {
    frags: ["the double charge refund", "the charge I wanted to dispute", "my refund", "being charged twice"],
    openers: [
      "Hi, I was charged twice this month and I'd like a refund.",
      "I want to dispute a charge on my last bill, it's way too high.",
      "There's a charge I don't recognize and I need to dispute it.",
      "I got charged twice for the same visit, can I get a refund?",
    ],
    resolutions: [
      "I see the duplicate charge, I've issued a refund of {amount}.",
      "I've opened a dispute on that charge and you'll hear back within five business days.",
      "You were charged twice, so I'm reversing one and the refund takes three to five days.",
    ],
    summaries: [
      "Customer was charged twice and requested a refund of {amount}.",
      "Caller wanted to dispute an unexpected charge on their account.",
      "Customer asked for a refund after a duplicate charge.",
    ],
    nextSteps: ["Process the refund of {amount}.", "Follow up on the dispute within five business days.", "Email a confirmation of the refund."],
    inbound: ["I was charged twice this month?? Need a refund", "How do I dispute a charge on my account?", "Still waiting on my refund", "You charged twice for one visit"],
    replies: [
      "Hi {first}, sorry about that! I've started a refund for the duplicate charge.",
      "Thanks {first}, I've opened a dispute and will update you within five business days.",
      "The refund of {amount} was issued today, it can take a few days to show.",
    ],
    followOk: ["Thanks, I see the refund now", "Ok, please keep me posted on the dispute"],
    followBad: ["Still no refund on my card", "I was charged twice again this month"],
  },
  payment: {
    frags: ["my payment", "the latest invoice", "setting up autopay"],
    openers: [
      "Hi, I'd like to make a payment on my account.",
      "I got an invoice and I'm not sure what the second line is for.",
      "Can you help me set up autopay with a new card?",
      "My payment didn't go through, can I pay over the phone?",
    ],
    resolutions: [
      "I've processed your payment of {amount}, you'll get a receipt by email.",
      "That line on the invoice is the annual service fee.",
      "Autopay is now set up and starts with the next invoice.",
    ],
    summaries: [
      "Customer made a payment of {amount} over the phone.",
      "Caller had questions about an invoice line item.",
      "Customer set up autopay with a new card.",
    ],
    nextSteps: ["Email the payment receipt.", "Send an updated invoice.", "Confirm autopay runs on the next billing date."],
    inbound: ["Can I make a payment by text?", "Where can I find my invoice?", "Please turn on autopay for my account", "Is my payment due this week?"],
    replies: [
      "Hi {first}, your invoice is in the portal under Documents. The balance is {amount}.",
      "Thanks {first}, autopay is on now.",
      "Your payment of {amount} was received, thank you!",
    ],
    followOk: ["Got the invoice, thanks", "Payment sent", "Autopay looks good now"],
    followBad: ["Autopay still shows off for me", "The invoice amount is still wrong"],
  },
  pricing: {
    frags: ["my quote", "your pricing", "the price of the premium plan"],
    openers: [
      "Hi, I'm looking for a quote for {n} locations.",
      "Can you walk me through your pricing?",
      "What's the price difference between the basic and premium plans?",
      "I got a quote from another company and wanted to compare.",
    ],
    resolutions: [
      "I can email you a quote today, it comes to about {amount} a month.",
      "Our pricing is per location, and there's a discount for annual plans.",
      "The premium plan price is {amount} a month with everything included.",
    ],
    summaries: [
      "Prospect asked for a quote for {n} locations.",
      "Caller compared our pricing with a competitor.",
      "Customer asked about the price of the premium plan.",
    ],
    nextSteps: ["Email a written quote.", "Follow up on the quote in two days.", "Send the pricing sheet."],
    inbound: ["Hi, can I get a quote?", "What's your pricing for small offices?", "What's the price for a yearly plan?", "Can you send me a quote for {n} locations?"],
    replies: [
      "Hi {first}, thanks for reaching out! I'll send a quote by email today.",
      "Our pricing starts at {amount} a month. Want me to send a quote?",
      "Hi {first}, the price for the yearly plan is {amount}.",
    ],
    followOk: ["Thanks, the quote looks good", "Got the pricing sheet, thanks"],
    followBad: ["That price is much higher than I expected", "Still waiting on the quote you promised"],
  },
  new_order: {
    frags: ["my new order", "the upgrade", "the sign up"],
    openers: [
      "Hi, I'd like to sign up for the monthly plan.",
      "I want to upgrade to the premium plan.",
      "I'd like to place an order for two more units.",
      "Can I add a second location to my order?",
    ],
    resolutions: [
      "Great, I've placed the order and you'll get a confirmation email.",
      "Your upgrade is done and takes effect today.",
      "You're all set, I finished the sign up and the welcome kit ships this week.",
    ],
    summaries: [
      "Customer placed a new order for {n} units.",
      "Customer asked to upgrade to the premium plan.",
      "New customer decided to sign up for the monthly plan.",
    ],
    nextSteps: ["Send the order confirmation.", "Schedule onboarding after the upgrade.", "Ship the welcome kit for the sign up."],
    inbound: ["Hi, I want to sign up. What's next?", "Can I upgrade my plan by text?", "Where's my order? It was supposed to arrive yesterday", "I'd like to order {n} more units"],
    replies: [
      "Hi {first}, I've placed your order, confirmation is on the way.",
      "Thanks {first}! Your upgrade is active now.",
      "Welcome aboard, {first}! Here's the link to finish the sign up.",
    ],
    followOk: ["Thanks, got the order confirmation", "Sign up done, thanks"],
    followBad: ["The upgrade isn't showing yet", "My order still hasn't arrived"],
  },
  cancellation: {
    frags: ["my cancellation", "the cancellation request"],
    openers: [
      "Hi, I'd like to cancel my service.",
      "I need to close my account, we're moving.",
      "How do I cancel? I don't use the service anymore.",
      "I want to close my account at the end of the month.",
    ],
    resolutions: [
      "I've processed the cancellation effective the end of this month.",
      "I can cancel that for you today, you'll get a confirmation email.",
      "Before I cancel, can I offer you two months at half off?",
    ],
    summaries: [
      "Customer asked to cancel their service because they are moving.",
      "Caller requested cancellation at the end of the month.",
      "Customer called to cancel; a retention offer was presented.",
    ],
    nextSteps: ["Send the cancellation confirmation.", "Confirm the cancellation date with the customer.", "Flag the cancellation for the retention team."],
    inbound: ["Please cancel my service", "How do I close my account?", "I want to cancel at the end of the month", "I'd like to close my account please"],
    replies: [
      "Hi {first}, sorry to see you go. Your cancellation is confirmed for the end of the month.",
      "Thanks {first}, I can cancel that for you. Can you confirm the address on the account?",
      "Your cancellation request is in, you'll get an email shortly.",
    ],
    followOk: ["Thanks for handling the cancellation", "Ok, please confirm the cancellation by email"],
    followBad: ["I asked to cancel weeks ago and I'm still being billed", "Why is the cancellation taking so long?"],
  },
  technical: {
    frags: ["the error message", "the bug in the app", "the app crashes"],
    openers: [
      "Hi, the app crashes every time I open the schedule screen.",
      "I keep getting an error message when I try to save.",
      "I think there's a bug, the settings page goes blank.",
      "Every time I upload a photo the app crashes.",
    ],
    resolutions: [
      "That error message means the cache is stale, let's clear it together.",
      "It's a known bug and the fix ships in the next update.",
      "I've reported the bug to our engineers and sent you a workaround.",
    ],
    summaries: [
      "Customer reported that the app crashes on the schedule screen.",
      "Caller kept getting an error message when saving settings.",
      "Customer hit a known bug; a workaround was shared.",
    ],
    nextSteps: ["Follow up when the bug fix is released.", "Send the error message guide.", "Escalate the app crashes to engineering."],
    inbound: ["The app crashes when I open it", "Getting an error message: code 503", "I think I found a bug in the app", "Error message again when saving"],
    replies: [
      "Hi {first}, thanks for reporting the bug. Try updating the app to the latest version.",
      "Sorry {first}! That error message usually clears after a restart.",
      "Thanks, I've sent the app crashes report to our engineers.",
    ],
    followOk: ["The error message is gone now, thanks", "Updated and the bug is gone"],
    followBad: ["Updated it and the app crashes still", "Same bug again today"],
  },
  appointment: {
    frags: ["my appointment", "the technician visit", "the reschedule request"],
    openers: [
      "Hi, I need to reschedule my appointment on {weekday}.",
      "When is the technician coming? My window was this morning.",
      "I'd like to book an appointment for a maintenance visit.",
      "Can I move my appointment to next week?",
    ],
    resolutions: [
      "I moved your appointment to {weekday} between {window}.",
      "The technician is running about thirty minutes late.",
      "You're booked, the appointment is {weekday} between {window}.",
    ],
    summaries: [
      "Customer asked to reschedule their appointment to {weekday}.",
      "Caller checked on the technician arrival window.",
      "Customer booked a maintenance appointment.",
    ],
    nextSteps: ["Send the appointment confirmation text.", "Notify the technician of the new time.", "Remind the customer the day before the appointment."],
    inbound: ["Can I reschedule my appointment?", "Is the technician still coming today?", "Need to book an appointment for next week", "Running late, can the technician wait 10 min?"],
    replies: [
      "Hi {first}, your appointment is moved to {weekday} between {window}.",
      "The technician is on the way and should arrive within the hour.",
      "Thanks {first}, I can reschedule you. Does {weekday} morning work?",
    ],
    followOk: ["{weekday} works for the appointment, thanks", "Thanks, see the technician then"],
    followBad: ["The technician never showed up", "This is the second appointment you've missed"],
  },
};

/** Outgoing appointment reminders and the customer's answers to them. */
export const REMINDERS = [
  "Reminder from {biz}: your appointment is {weekday} between {window}. Reply here to reschedule.",
  "Hi {first}, your technician visit is confirmed for {weekday}, {window}.",
];
export const REMINDER_ANSWERS = ["Confirmed for the appointment, thanks", "Can we reschedule to the following week?", "Great, see the technician then"];
